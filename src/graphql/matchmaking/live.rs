//! Live matchmaking: a participant's meeting requests and their changes, and an event's
//! schedule, each checked through the policy when the subscription starts and read back with
//! the subscriber's rights for every notification.

use async_graphql::{Context, Enum, SimpleObject, Subscription, ID};
use futures_util::Stream;

use super::{
    event::{MatchmakingEvent, TYPE_NAME as EVENT},
    meeting::Meeting,
    participant::TYPE_NAME as PARTICIPANT,
};
use crate::{
    domain::{
        notification::{self as domain, Notification},
        policy,
    },
    error::{AppError, AppResult},
    graphql::{
        context::{caller, db},
        live::{follow, hub, Step},
        node,
    },
};

/// How a meeting changed.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::notification::MeetingChange")]
pub enum MeetingChange {
    /// The invited side accepted the request.
    Accepted,
    /// The invited side declined it.
    Declined,
    /// Either side or an organiser called it off.
    Cancelled,
    /// It was given a slot and a table.
    Scheduled,
    /// It was given another slot or table.
    Moved,
}

/// A change of a meeting, as `meetingUpdated` delivers it.
#[derive(SimpleObject)]
pub struct MeetingUpdate {
    /// What changed.
    pub change: MeetingChange,
    /// The meeting as it is when the change is delivered.
    pub meeting: Meeting,
}

#[derive(Default)]
pub struct MatchmakingSubscription;

/// Which meetings' notifications a subscription to a participant follows.
#[derive(Clone, Copy)]
enum Topic {
    Requested,
    Updated,
}

/// The meeting notifications about `participant` of one topic, read back for `ctx`'s caller.
async fn meetings_of(
    ctx: &Context<'_>,
    participant_id: &ID,
    topic: Topic,
) -> AppResult<impl Stream<Item = MeetingUpdate>> {
    // Subscribed before the check, so nothing raised meanwhile is missed.
    let receiver = hub(ctx).subscribe();
    let follower = policy::signed_in(caller(ctx))?.clone();
    let participant = node::decode("participantId", participant_id, PARTICIPANT)?;
    let db = db(ctx).clone();
    domain::may_follow_participant(&db, &follower, participant).await?;
    Ok(follow(receiver, move |notification| {
        let (db, follower) = (db.clone(), follower.clone());
        async move {
            let (meeting, change) = match (&topic, notification) {
                (Topic::Requested, n @ Notification::MeetingRequested { meeting_id, .. })
                    if n.concerns_participant(participant) =>
                {
                    (meeting_id, None)
                }
                (Topic::Updated, n @ Notification::MeetingUpdated { meeting_id, change, .. })
                    if n.concerns_participant(participant) =>
                {
                    (meeting_id, Some(change))
                }
                _ => return Step::Skip,
            };
            let found = domain::meeting_for(&db, &follower, participant, meeting).await;
            Step::from_lookup(found.map(|m| {
                m.map(|m| MeetingUpdate {
                    // A request has no change of its own; `meetingRequested` drops it.
                    change: change.map_or(MeetingChange::Scheduled, Into::into),
                    meeting: Meeting(m),
                })
            }))
        }
    }))
}

#[Subscription]
impl MatchmakingSubscription {
    /// Each meeting requested by or of a participant, once the request is stored: for those who
    /// act for the participant and the event's organisers (FORBIDDEN for others). Ends when the
    /// subscriber may no longer follow the participant.
    async fn meeting_requested(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The participant whose meeting requests to follow.")] participant_id: ID,
    ) -> Result<impl Stream<Item = Meeting>, AppError> {
        use futures_util::StreamExt;
        Ok(meetings_of(ctx, &participant_id, Topic::Requested)
            .await?
            .map(|update| update.meeting))
    }

    /// Each change of a meeting of a participant (accepted, declined, cancelled, scheduled,
    /// moved): for those who act for the participant and the event's organisers. Ends when the
    /// subscriber may no longer follow the participant.
    async fn meeting_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The participant whose meetings to follow.")] participant_id: ID,
    ) -> Result<impl Stream<Item = MeetingUpdate>, AppError> {
        meetings_of(ctx, &participant_id, Topic::Updated).await
    }

    /// The event each time its accepted meetings are scheduled: for its organisers and those who
    /// act for one of its approved participants (FORBIDDEN for others).
    async fn event_scheduled(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event whose schedule to follow.")] event_id: ID,
    ) -> Result<impl Stream<Item = MatchmakingEvent>, AppError> {
        let receiver = hub(ctx).subscribe();
        let follower = policy::signed_in(caller(ctx))?.clone();
        let event = node::decode("eventId", &event_id, EVENT)?;
        let db = db(ctx).clone();
        domain::may_follow_event(&db, &follower, event).await?;
        Ok(follow(receiver, move |notification| {
            let (db, follower) = (db.clone(), follower.clone());
            async move {
                match notification {
                    Notification::EventScheduled { event_id } if event_id == event => Step::from_lookup(
                        domain::event_for(&db, &follower, event)
                            .await
                            .map(|e| Some(MatchmakingEvent(e))),
                    ),
                    _ => Step::Skip,
                }
            }
        }))
    }
}
