//! Member roles and membership status.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an account may do. `committee` runs the program; `admin` also
/// manages accounts and roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Committee,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Committee => "committee",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "member" => Some(Self::Member),
            "committee" => Some(Self::Committee),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    /// Committee rights: running cycles, reviewing, matching.
    pub fn is_committee(self) -> bool {
        matches!(self, Self::Committee | Self::Admin)
    }

    pub fn is_admin(self) -> bool {
        self == Self::Admin
    }
}

/// Standing of the member's association membership; only `active` members
/// may apply to a cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    Pending,
    Active,
    Lapsed,
}

impl MembershipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Lapsed => "lapsed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "active" => Some(Self::Active),
            "lapsed" => Some(Self::Lapsed),
            _ => None,
        }
    }
}

/// A normalised email address: trimmed and lower-cased, so lookups and the
/// unique rule ignore case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Passwords: at least 10 characters, at most 256 (argon2 cost is bounded).
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 10 {
        Err("must be at least 10 characters")
    } else if n > 256 {
        Err("must be at most 256 characters")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_rank() {
        for role in [Role::Member, Role::Committee, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(!Role::Member.is_committee());
        assert!(Role::Committee.is_committee() && !Role::Committee.is_admin());
        assert!(Role::Admin.is_committee() && Role::Admin.is_admin());
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn membership_statuses_round_trip() {
        for s in [
            MembershipStatus::Pending,
            MembershipStatus::Active,
            MembershipStatus::Lapsed,
        ] {
            assert_eq!(MembershipStatus::parse(s.as_str()), Some(s));
        }
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
}
