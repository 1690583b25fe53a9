use sea_orm::ActiveEnum;
use uuid::Uuid;

use super::*;

fn actor(role: Role) -> Actor {
    Actor {
        id: Uuid::new_v4(),
        role,
        read_only: false,
        api_token: false,
    }
}

fn forbidden(why: &'static str) -> Access {
    Err(Denied::Forbidden(why))
}

#[test]
fn roles_are_stored_as_their_names_and_read_back() {
    for role in Role::ALL {
        let stored = role.to_value();
        assert_eq!(stored, role.as_str());
        assert_eq!(Role::try_from_value(&stored).unwrap(), role);
    }
}

#[test]
fn an_unknown_stored_role_is_an_error_not_a_default() {
    assert!(Role::try_from_value(&"root".to_owned()).is_err());
    assert!(Role::try_from_value(&"Admin".to_owned()).is_err());
    assert!(Role::try_from_value(&String::new()).is_err());
}

#[test]
fn membership_statuses_are_stored_as_their_names_and_read_back() {
    for status in MembershipStatus::ALL {
        let stored = status.to_value();
        assert_eq!(stored, status.as_str());
        assert_eq!(MembershipStatus::try_from_value(&stored).unwrap(), status);
    }
}

#[test]
fn an_unknown_stored_membership_status_is_an_error_not_a_default() {
    assert!(MembershipStatus::try_from_value(&"expired".to_owned()).is_err());
    assert!(MembershipStatus::try_from_value(&"Active".to_owned()).is_err());
}

#[test]
fn roles_rank() {
    assert!(!Role::Member.is_committee());
    assert!(Role::Committee.is_committee() && !Role::Committee.is_admin());
    assert!(Role::Admin.is_committee() && Role::Admin.is_admin());
}

#[test]
fn emails_compare_without_case_or_spaces() {
    assert_eq!(normalize_email("  Ada@Example.ORG "), "ada@example.org");
}

#[test]
fn short_and_huge_passwords_are_refused() {
    assert!(check_password("short").is_err());
    assert!(check_password(&"x".repeat(257)).is_err());
    assert!(check_password("correct horse battery").is_ok());
}

#[test]
fn the_roster_is_the_committees() {
    assert_eq!(
        may_use_roster(&actor(Role::Member)),
        forbidden(COMMITTEE_ONLY)
    );
    assert!(may_use_roster(&actor(Role::Committee)).is_ok());
    assert!(may_use_roster(&actor(Role::Admin)).is_ok());
}

#[test]
fn the_committee_creates_plain_members_and_only_an_admin_gives_a_role() {
    let committee = actor(Role::Committee);
    assert!(may_create_member(&committee, Role::Member).is_ok());
    assert_eq!(
        may_create_member(&committee, Role::Committee),
        forbidden(ADMIN_ONLY)
    );
    assert!(may_create_member(&actor(Role::Admin), Role::Admin).is_ok());
    assert_eq!(
        may_create_member(&actor(Role::Member), Role::Member),
        forbidden(COMMITTEE_ONLY)
    );
}

#[test]
fn only_an_admin_changes_a_role_and_never_their_own() {
    let other = Uuid::new_v4();
    let committee = actor(Role::Committee);
    assert!(may_edit_member(&committee, other, Role::Member, false).is_ok());
    assert_eq!(
        may_edit_member(&committee, other, Role::Member, true),
        forbidden(ADMIN_ONLY)
    );
    let admin = actor(Role::Admin);
    assert!(may_edit_member(&admin, other, Role::Member, true).is_ok());
    assert_eq!(
        may_edit_member(&admin, admin.id, Role::Admin, true),
        forbidden(OWN_ROLE_BY_ADMIN)
    );
    assert!(may_edit_member(&admin, admin.id, Role::Admin, false).is_ok());
    let member = actor(Role::Member);
    assert_eq!(
        may_edit_member(&member, member.id, Role::Member, false),
        forbidden(COMMITTEE_ONLY)
    );
}

#[test]
fn only_an_admin_changes_an_administrators_account() {
    let other = Uuid::new_v4();
    let committee = actor(Role::Committee);
    assert_eq!(
        may_edit_member(&committee, other, Role::Admin, false),
        forbidden(ADMIN_ACCOUNT)
    );
    assert_eq!(
        may_edit_member(&committee, other, Role::Admin, true),
        forbidden(ADMIN_ACCOUNT)
    );
    assert!(may_edit_member(&committee, other, Role::Committee, false).is_ok());
    let admin = actor(Role::Admin);
    assert!(may_edit_member(&admin, other, Role::Admin, false).is_ok());
    assert!(may_edit_member(&admin, other, Role::Admin, true).is_ok());
    assert_eq!(
        may_edit_member(&actor(Role::Member), other, Role::Admin, false),
        forbidden(COMMITTEE_ONLY)
    );
}

#[test]
fn inviting_a_committee_or_admin_account_is_for_admins() {
    let committee = actor(Role::Committee);
    assert!(may_invite(&committee, Role::Member).is_ok());
    assert_eq!(
        may_invite(&committee, Role::Committee),
        forbidden(INVITE_ROLE)
    );
    assert_eq!(may_invite(&committee, Role::Admin), forbidden(INVITE_ROLE));
    assert!(may_invite(&actor(Role::Admin), Role::Admin).is_ok());
    assert_eq!(
        may_invite(&actor(Role::Member), Role::Member),
        forbidden(COMMITTEE_ONLY)
    );
}

#[test]
fn an_invitation_holds_only_for_the_role_it_was_issued_for() {
    for role in Role::ALL {
        assert!(invitation_holds(Some(role), role));
        assert!(!invitation_holds(None, role), "a role-less one is stale");
    }
    assert!(!invitation_holds(Some(Role::Member), Role::Committee));
    assert!(!invitation_holds(Some(Role::Member), Role::Admin));
    assert!(!invitation_holds(Some(Role::Admin), Role::Member));
}

#[test]
fn a_member_reads_only_themself_and_the_committee_reads_anyone() {
    let me = actor(Role::Member);
    assert!(may_read_member(&me, me.id).is_ok());
    assert_eq!(
        may_read_member(&me, Uuid::new_v4()),
        Err(Denied::Hidden("member"))
    );
    assert!(may_read_member(&actor(Role::Committee), me.id).is_ok());
}

#[test]
fn nobody_sets_their_own_role_or_membership() {
    assert!(may_edit_own(None, None).is_ok());
    assert_eq!(may_edit_own(Some(Role::Member), None), forbidden(OWN_ROLE));
    assert_eq!(
        may_edit_own(None, Some(MembershipStatus::Active)),
        forbidden(OWN_MEMBERSHIP)
    );
}

#[test]
fn the_sign_in_email_and_password_change_only_in_a_session() {
    for role in Role::ALL {
        let mut signed_in = actor(role);
        assert!(may_change_sign_in(&signed_in).is_ok());
        signed_in.api_token = true;
        assert_eq!(
            may_change_sign_in(&signed_in),
            forbidden(SIGN_IN_BY_SESSION)
        );
    }
}

#[test]
fn a_read_only_token_only_reads() {
    assert!(token_allows(true, true).is_ok());
    assert_eq!(token_allows(true, false), forbidden(READ_ONLY_TOKEN));
    assert!(token_allows(false, false).is_ok());
}
