//! A member's own published matches, with their partner's contact details.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::rows;
use crate::domain::access::Actor;
use crate::domain::application::{ApplicationRole, LibraryType};
use crate::domain::cadence::Cadence;
use crate::domain::matches::{MatchSides, MatchStatus, own_side};
use crate::service::ServiceResult;
use crate::service::cadence;
use crate::service::cycles::{self, Cycle};
use crate::store::{Db, applications as apps, members};

/// The partner, as a member sees them: contact details and library types,
/// nothing private.
#[derive(Clone, Debug)]
pub struct Partner {
    pub full_name: String,
    pub pronouns: Option<String>,
    pub email: String,
    pub role: ApplicationRole,
    pub library_types: Vec<LibraryType>,
}

/// One of the caller's published matches.
#[derive(Clone, Debug)]
pub struct MyMatch {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub status: MatchStatus,
    /// The caller's role in it.
    pub role: ApplicationRole,
    pub published_at: Option<DateTime<Utc>>,
    pub extended_until: Option<NaiveDate>,
    pub partner: Partner,
    /// Its meetings against the cycle's expectation.
    pub cadence: Cadence,
}

/// The caller's published matches, newest first, each with its cadence as
/// of `today`.
pub async fn mine(
    db: &Db,
    actor: &Actor,
    today: NaiveDate,
    silent_after_days: u32,
) -> ServiceResult<Vec<MyMatch>> {
    let my_ids: Vec<Uuid> = apps::for_member(db, actor.id)
        .await?
        .iter()
        .map(|a| a.id)
        .collect();
    let published = rows::published_for(db, &my_ids).await?;
    let mut cycles_by_id: HashMap<Uuid, Cycle> = HashMap::new();
    let mut inputs = Vec::with_capacity(published.len());
    for m in &published {
        if let std::collections::hash_map::Entry::Vacant(slot) = cycles_by_id.entry(m.cycle_id) {
            slot.insert(cycles::get_any(db, m.cycle_id).await?);
        }
        let cycle = &cycles_by_id[&m.cycle_id];
        let input = cadence::input_for(cycle, m.published_at, m.extended_until, m.ended_on);
        inputs.push((m.id, input));
    }
    let cadences = cadence::of_matches(db, &inputs, today, silent_after_days).await?;
    let mut out = Vec::new();
    for m in published {
        let sides = MatchSides {
            mentor_application_id: m.mentor_application_id,
            mentee_application_id: m.mentee_application_id,
            status: m.status,
        };
        let Ok(role) = own_side(&my_ids, sides) else {
            continue;
        };
        let partner_app = match role {
            ApplicationRole::Mentor => m.mentee_application_id,
            ApplicationRole::Mentee => m.mentor_application_id,
        };
        let partner_app = apps::get(db, partner_app).await?;
        let partner = members::get(db, partner_app.member_id).await?;
        let form = apps::form_of(&partner_app);
        out.push(MyMatch {
            id: m.id,
            cycle_id: m.cycle_id,
            status: m.status,
            role,
            published_at: m.published_at,
            extended_until: m.extended_until,
            partner: Partner {
                full_name: partner.full_name,
                // The profile's pronouns are the member's current ones; the
                // application's stand in when the profile has none.
                pronouns: partner
                    .pronouns
                    .filter(|p| !p.trim().is_empty())
                    .or(Some(form.pronouns.clone()).filter(|p| !p.trim().is_empty())),
                email: partner.email,
                role: form.role,
                library_types: form.library_types,
            },
            cadence: cadences[&m.id],
        });
    }
    Ok(out)
}
