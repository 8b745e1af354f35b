//! Lists of meetings: by event or participant, as the caller may see them, and who a participant is paired with.

use entity::{meeting as row, taxonomy::MeetingState};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    domain::{
        pagination::{keyset_page, Keyset, Page, SortKey, Window},
        policy::MatchmakingVisibility,
    },
    error::AppResult,
};

/// Narrows a list of meetings.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub states: Vec<MeetingState>,
}

impl MeetingFilter {
    fn condition(&self, visibility: &MatchmakingVisibility, owner: Owner) -> Condition {
        let mut cond = Condition::all().add(visibility.meetings());
        cond = match owner {
            Owner::Event(id) => cond.add(row::Column::EventId.eq(id)),
            Owner::Participant(id) => cond.add(
                Condition::any()
                    .add(row::Column::FromParticipantId.eq(id))
                    .add(row::Column::ToParticipantId.eq(id)),
            ),
        };
        if !self.states.is_empty() {
            cond = cond.add(row::Column::State.is_in(self.states.clone()));
        }
        cond
    }
}

/// Whose meetings a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Event(Uuid),
    Participant(Uuid),
}

const OLDEST_FIRST: Keyset<row::Entity> = Keyset {
    name: "CREATED_AT",
    column: row::Column::CreatedAt,
    id: row::Column::Id,
    ascending: true,
    key_of: |m| (SortKey::Time(m.created_at), m.id),
};

/// The meetings of an event or a participant that the caller may see (those of its own
/// participants, or all as an organiser), oldest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &MatchmakingVisibility,
    owner: Owner,
    filter: &MeetingFilter,
    window: &Window,
) -> AppResult<Page<row::Model>> {
    keyset_page(
        db,
        row::Entity::find().filter(filter.condition(visibility, owner)),
        &OLDEST_FIRST,
        window,
    )
    .await
}

pub async fn count<C: ConnectionTrait>(
    db: &C,
    visibility: &MatchmakingVisibility,
    owner: Owner,
    filter: &MeetingFilter,
) -> AppResult<u64> {
    Ok(row::Entity::find()
        .filter(filter.condition(visibility, owner))
        .count(db)
        .await?)
}

/// The participants this one has a meeting with, in any state: what suggestions leave out.
pub async fn paired_with<C: ConnectionTrait>(db: &C, participant: Uuid) -> AppResult<Vec<Uuid>> {
    let rows = row::Entity::find()
        .filter(
            Condition::any()
                .add(row::Column::FromParticipantId.eq(participant))
                .add(row::Column::ToParticipantId.eq(participant)),
        )
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            if m.from_participant_id == participant {
                m.to_participant_id
            } else {
                m.from_participant_id
            }
        })
        .collect())
}
