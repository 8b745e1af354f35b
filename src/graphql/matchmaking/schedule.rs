//! `scheduleEvent` in GraphQL: the organisers' mutation that gives every accepted meeting of an
//! event a slot and a table (or says why not), and the figures that judge the schedule.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::{
    event::{MatchmakingEvent, TYPE_NAME as EVENT},
    meeting::Meeting,
};
use crate::{
    domain::{
        matchmaking::schedule as domain,
        notification::{self, Notification},
        policy,
    },
    error::AppResult,
    graphql::{
        context::{caller, db, loaders},
        live::hub,
        loaders as l, node,
    },
};

/// The event to schedule, and the version you read.
#[derive(InputObject)]
pub struct ScheduleEventInput {
    /// The event's global ID: a CLOSED event, or a SCHEDULED one to reschedule.
    pub event_id: ID,
    /// The version you read; a stale one is a CONFLICT.
    pub version: i32,
}

/// An accepted meeting the schedule found no place for.
pub struct UnplacedMeeting {
    meeting_id: uuid::Uuid,
    reason: String,
}

#[Object]
/// An accepted meeting the schedule found no place for, and why.
impl UnplacedMeeting {
    /// The meeting.
    async fn meeting(&self, ctx: &Context<'_>) -> AppResult<Option<Meeting>> {
        Ok(loaders(ctx)
            .load_one(l::MeetingById(self.meeting_id))
            .await?
            .map(Meeting))
    }
    /// Why, in words: no slot both sides are available in, a side at its maximum, or every
    /// shared slot taken.
    async fn reason(&self) -> &str {
        &self.reason
    }
}

/// What a schedule achieved, in the order the scheduler weighs it.
#[derive(SimpleObject)]
pub struct EventSchedule {
    /// Accepted meetings it considered.
    pub meetings: i32,
    /// Meetings given a slot and a table.
    pub placed: i32,
    /// Meetings left without a place, each with its reason.
    pub unplaced: Vec<UnplacedMeeting>,
    /// No schedule could place more meetings than this.
    pub upper_bound: i32,
    /// `placed / upperBound` (1 when the bound is 0): at least this close to the best schedule.
    pub share_of_bound: f64,
    /// Participants with fewer meetings than they asked for (their accepted meetings, up to
    /// their maximum).
    pub participants_short: i32,
    /// Free slots between a participant's first and last meeting, on average over those who
    /// meet someone.
    pub mean_idle_slots: f64,
    /// Meetings of an earlier schedule that moved or lost their place.
    pub moved: i32,
}

/// The result of `scheduleEvent`.
#[derive(SimpleObject)]
pub struct ScheduleEventPayload {
    /// The event, now SCHEDULED.
    pub matchmaking_event: MatchmakingEvent,
    /// The schedule's figures.
    pub schedule: EventSchedule,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[derive(Default)]
pub struct ScheduleMutation;

#[Object]
impl ScheduleMutation {
    /// Gives every accepted meeting of an event you organise a slot and a table, or says why it
    /// could not: nobody in two meetings at once, only in slots both sides are available, never
    /// more meetings in a slot than tables, pinned meetings kept, each maximum respected. Run
    /// again on a SCHEDULED event it moves as few meetings as it can; a moved meeting's
    /// `sequence` rises, so calendars update.
    async fn schedule_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `ScheduleEventInput`.")]
        input: ScheduleEventInput,
    ) -> AppResult<ScheduleEventPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("eventId", &input.event_id, EVENT)?;
        let done = domain::schedule_event(db(ctx), actor, id, input.version).await?;
        // After the commit: the two sides of every meeting that got or changed its place, then
        // everyone following the event.
        for (meeting, change) in &done.changed {
            notification::publish(hub(ctx), Notification::meeting_updated(meeting, *change));
        }
        notification::publish(hub(ctx), Notification::EventScheduled { event_id: id });
        let stats = &done.schedule.stats;
        let schedule = EventSchedule {
            meetings: count(stats.meetings),
            placed: count(stats.placed),
            unplaced: done
                .schedule
                .unplaced
                .iter()
                .filter_map(|u| {
                    Some(UnplacedMeeting {
                        meeting_id: u.meeting.parse().ok()?,
                        reason: u.reason.clone(),
                    })
                })
                .collect(),
            upper_bound: count(stats.upper_bound),
            share_of_bound: stats.share_of_bound,
            participants_short: count(stats.participants_short),
            mean_idle_slots: stats.mean_idle_slots,
            moved: count(stats.moved),
        };
        Ok(ScheduleEventPayload {
            matchmaking_event: MatchmakingEvent(done.event),
            schedule,
        })
    }
}
