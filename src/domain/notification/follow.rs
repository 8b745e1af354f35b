//! Who may follow what live, and the records a notification names, read back with the
//! subscriber's rights: at the start of a subscription and again for every notification, so a
//! right taken away stops the delivery.

use entity::{event_participant, matchmaking_event, meeting, taxonomy::ParticipantStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    auth::Principal,
    domain::{
        matchmaking::{event, participant},
        policy::{self, MatchmakingVisibility},
    },
    error::AppResult,
};

/// Whether `p` may follow the meetings of `participant_id` (NOT_FOUND for no such participant).
pub async fn may_follow_participant<C: ConnectionTrait>(db: &C, p: &Principal, participant_id: Uuid) -> AppResult<()> {
    let participant = participant::context(db, participant_id).await?;
    let acts_for = participant.acts_for(p);
    let organises = acts_for
        || event::context(db, participant.participant.event_id)
            .await?
            .organised_by(p);
    policy::may_follow_participant(acts_for, organises)
}

/// Whether `p` may follow the schedule of `event_id`; the event when it may.
pub async fn may_follow_event<C: ConnectionTrait>(
    db: &C,
    p: &Principal,
    event_id: Uuid,
) -> AppResult<matchmaking_event::Model> {
    let event = event::visible_context(db, Some(p), event_id).await?;
    let organises = event.organised_by(p);
    let takes_part = !organises
        && event_participant::Entity::find()
            .filter(event_participant::Column::EventId.eq(event_id))
            .filter(event_participant::Column::Status.eq(ParticipantStatus::Approved))
            .filter(MatchmakingVisibility::of(p).own_participants())
            .count(db)
            .await?
            > 0;
    policy::may_follow_event(organises, takes_part)?;
    Ok(event.event)
}

/// The meeting a notification names, for a follower of `participant_id`: FORBIDDEN once the
/// follower may no longer follow it, `None` when the follower does not see the meeting.
pub async fn meeting_for<C: ConnectionTrait>(
    db: &C,
    p: &Principal,
    participant_id: Uuid,
    meeting_id: Uuid,
) -> AppResult<Option<meeting::Model>> {
    may_follow_participant(db, p, participant_id).await?;
    Ok(meeting::Entity::find_by_id(meeting_id)
        .filter(MatchmakingVisibility::of(p).meetings())
        .one(db)
        .await?)
}

/// The event a notification names, for a follower of it: FORBIDDEN once it may no longer.
pub async fn event_for<C: ConnectionTrait>(
    db: &C,
    p: &Principal,
    event_id: Uuid,
) -> AppResult<matchmaking_event::Model> {
    may_follow_event(db, p, event_id).await
}
