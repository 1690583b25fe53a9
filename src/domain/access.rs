//! Who may do what: pure decisions over the acting member, unit-tested
//! without a server. Services ask these before they touch anything; the
//! API layer only turns a `Denied` into 401, 403 or 404.
use uuid::Uuid;

use super::member::Role;

/// The member behind a request, as the rules see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub id: Uuid,
    pub role: Role,
    /// A personal API token created read-only.
    pub read_only: bool,
    /// Signed in with a personal API token rather than a session (an
    /// access token from signing in with the password).
    pub api_token: bool,
}

/// Why an action is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Denied {
    /// The caller is known but lacks the right (403).
    Forbidden(&'static str),
    /// The caller may not know the object exists (404, named by `what`).
    Hidden(&'static str),
}

pub type Access = Result<(), Denied>;

const COMMITTEE_ONLY: &str = "this action is for the committee";
const ADMIN_ONLY: &str = "this action is for administrators";

impl Actor {
    pub fn is_committee(&self) -> bool {
        self.role.is_committee()
    }

    pub fn is_admin(&self) -> bool {
        self.role.is_admin()
    }

    /// Running the program: cycles, forms, review, matching, matches.
    pub fn may_run_program(&self) -> Access {
        if self.is_committee() {
            Ok(())
        } else {
            Err(Denied::Forbidden(COMMITTEE_ONLY))
        }
    }

    /// Accounts and roles.
    pub fn may_manage_accounts(&self) -> Access {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Denied::Forbidden(ADMIN_ONLY))
        }
    }

    /// Reading something a member owns (`owner`): its owner and the
    /// committee; anyone else is told it does not exist.
    pub fn may_read_owned(&self, owner: Uuid, what: &'static str) -> Access {
        if self.id == owner || self.is_committee() {
            Ok(())
        } else {
            Err(Denied::Hidden(what))
        }
    }
}

/// Whether a caller (`None`: anonymous) sees unpublished program data such
/// as draft cycles.
pub fn sees_drafts(actor: Option<&Actor>) -> bool {
    actor.is_some_and(Actor::is_committee)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            id: Uuid::new_v4(),
            role,
            read_only: false,
            api_token: false,
        }
    }

    #[test]
    fn only_the_committee_and_admins_run_the_program() {
        assert!(actor(Role::Member).may_run_program().is_err());
        assert!(actor(Role::Committee).may_run_program().is_ok());
        assert!(actor(Role::Admin).may_run_program().is_ok());
    }

    #[test]
    fn only_admins_manage_accounts() {
        assert_eq!(
            actor(Role::Committee).may_manage_accounts(),
            Err(Denied::Forbidden(ADMIN_ONLY))
        );
        assert!(actor(Role::Admin).may_manage_accounts().is_ok());
    }

    #[test]
    fn another_members_object_is_hidden_but_the_committee_reads_it() {
        let owner = Uuid::new_v4();
        assert_eq!(
            actor(Role::Member).may_read_owned(owner, "application"),
            Err(Denied::Hidden("application"))
        );
        let mut me = actor(Role::Member);
        me.id = owner;
        assert!(me.may_read_owned(owner, "application").is_ok());
        assert!(
            actor(Role::Committee)
                .may_read_owned(owner, "application")
                .is_ok()
        );
    }

    #[test]
    fn drafts_are_seen_by_the_committee_only() {
        assert!(!sees_drafts(None));
        assert!(!sees_drafts(Some(&actor(Role::Member))));
        assert!(sees_drafts(Some(&actor(Role::Committee))));
    }
}
