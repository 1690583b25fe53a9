//! A member as one row of a roster file gives it. An empty cell leaves the
//! stored value alone, so a roster that lacks a column never clears it.
use chrono::NaiveDate;

use crate::domain::member::{MemberChanges, MembershipStatus, NewMember, Role, normalize_email};

/// One roster row, checked by the same rules as `POST /members`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedMember {
    pub email: String,
    pub full_name: String,
    pub pronouns: Option<String>,
    pub wla_member_id: Option<String>,
    pub membership_status: Option<MembershipStatus>,
    pub membership_expires_on: Option<NaiveDate>,
}

/// The stored values a row is compared with.
pub struct StoredMember<'a> {
    pub full_name: &'a str,
    pub pronouns: Option<&'a str>,
    pub wla_member_id: Option<&'a str>,
    pub membership_status: MembershipStatus,
    pub membership_expires_on: Option<NaiveDate>,
}

impl ImportedMember {
    /// The natural key: the normalised email.
    pub fn key(&self) -> String {
        normalize_email(&self.email)
    }

    /// A new member: role `member`, membership `pending` unless given.
    pub fn to_new(&self) -> NewMember {
        NewMember {
            email: self.key(),
            password_hash: None,
            full_name: self.full_name.trim().to_owned(),
            pronouns: self.pronouns.clone(),
            role: Role::Member,
            wla_member_id: self.wla_member_id.clone(),
            membership_status: self.membership_status.unwrap_or(MembershipStatus::Pending),
            membership_expires_on: self.membership_expires_on,
        }
    }

    /// The changes that bring `stored` to this row; `None` when there are
    /// none.
    pub fn changes_to(&self, stored: &StoredMember<'_>) -> Option<MemberChanges> {
        let mut changes = MemberChanges::default();
        let mut any = false;
        let name = self.full_name.trim();
        if name != stored.full_name {
            changes.full_name = Some(name.to_owned());
            any = true;
        }
        if let Some(p) = &self.pronouns
            && Some(p.as_str()) != stored.pronouns
        {
            changes.pronouns = Some(Some(p.clone()));
            any = true;
        }
        if let Some(id) = &self.wla_member_id
            && Some(id.as_str()) != stored.wla_member_id
        {
            changes.wla_member_id = Some(Some(id.clone()));
            any = true;
        }
        if let Some(status) = self.membership_status
            && status != stored.membership_status
        {
            changes.membership_status = Some(status);
            any = true;
        }
        if let Some(date) = self.membership_expires_on
            && Some(date) != stored.membership_expires_on
        {
            changes.membership_expires_on = Some(Some(date));
            any = true;
        }
        any.then_some(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ImportedMember {
        ImportedMember {
            email: " Ada@Example.org ".into(),
            full_name: "Ada Lovelace".into(),
            pronouns: None,
            wla_member_id: Some("WLA-1".into()),
            membership_status: Some(MembershipStatus::Active),
            membership_expires_on: None,
        }
    }

    #[test]
    fn a_new_member_defaults_to_a_pending_member_role() {
        let new = ImportedMember {
            membership_status: None,
            ..row()
        }
        .to_new();
        assert_eq!(new.email, "ada@example.org");
        assert_eq!(new.role, Role::Member);
        assert_eq!(new.membership_status, MembershipStatus::Pending);
    }

    #[test]
    fn empty_cells_change_nothing_and_equal_values_are_unchanged() {
        let stored = StoredMember {
            full_name: "Ada Lovelace",
            pronouns: Some("she/her"),
            wla_member_id: Some("WLA-1"),
            membership_status: MembershipStatus::Active,
            membership_expires_on: None,
        };
        assert!(row().changes_to(&stored).is_none());
        let lapsed = ImportedMember {
            membership_status: Some(MembershipStatus::Lapsed),
            ..row()
        };
        let changes = lapsed.changes_to(&stored).expect("a change");
        assert_eq!(changes.membership_status, Some(MembershipStatus::Lapsed));
        assert!(changes.pronouns.is_none());
    }
}
