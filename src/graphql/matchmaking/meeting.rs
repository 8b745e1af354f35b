//! `Meeting` in GraphQL: a meeting and the lists of an event's and a participant's meetings,
//! visible to the two sides and the organisers only; the mutations of the request state
//! machine and the organisers' add, cancel and pin.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::meeting as row;

use super::{
    event::{MatchmakingEvent, MeetingKind, TYPE_NAME as EVENT},
    participant::{EventParticipant, TYPE_NAME as PARTICIPANT},
};
use crate::{
    domain::{
        matchmaking::meeting::{self as domain, Action, MeetingFilter, Owner},
        notification::{self, MeetingChange, Notification},
        pagination::PageRequest,
        policy,
    },
    error::AppResult,
    graphql::{
        connection::{total_count_if_selected, Connection, MeetingConnection},
        context::{caller, db, loaders, matchmaking_visibility},
        enums::to_entity,
        live::hub,
        loaders as l, node,
    },
};

pub const TYPE_NAME: &str = "Meeting";

/// Where a meeting request stands. A scheduled meeting is an ACCEPTED one with a slot.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::taxonomy::MeetingState")]
pub enum MeetingState {
    /// Asked for; the invited side has not answered.
    Requested,
    /// Both sides will meet (or an organiser added it).
    Accepted,
    /// The invited side said no.
    Declined,
    /// Called off by either side or an organiser.
    Cancelled,
}

#[derive(Clone)]
pub struct Meeting(pub row::Model);

#[Object]
/// A one-to-one meeting at a matchmaking event, seen by its two sides and the organisers only.
impl Meeting {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The event.
    async fn event(&self, ctx: &Context<'_>) -> AppResult<Option<MatchmakingEvent>> {
        Ok(loaders(ctx)
            .load_one(l::MatchmakingEventById(self.0.event_id))
            .await?
            .map(MatchmakingEvent))
    }
    /// The side that asked (or the first named, for a meeting an organiser added).
    async fn from_participant(&self, ctx: &Context<'_>) -> AppResult<Option<EventParticipant>> {
        Ok(loaders(ctx)
            .load_one(l::EventParticipantById(self.0.from_participant_id))
            .await?
            .map(EventParticipant))
    }
    /// The invited side, which accepts or declines.
    async fn to_participant(&self, ctx: &Context<'_>) -> AppResult<Option<EventParticipant>> {
        Ok(loaders(ctx)
            .load_one(l::EventParticipantById(self.0.to_participant_id))
            .await?
            .map(EventParticipant))
    }
    /// Cluster to cluster, cluster to business, or business to business.
    async fn kind(&self) -> MeetingKind {
        self.0.kind.into()
    }
    /// Where it stands.
    async fn state(&self) -> MeetingState {
        self.0.state.into()
    }
    /// What the requester wrote.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    /// Why it was declined or cancelled.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Its slot (see `MatchmakingEvent.slots`) once scheduled.
    async fn slot(&self) -> Option<i32> {
        self.0.slot
    }
    /// Its table, numbered from 0, once scheduled.
    async fn table_number(&self) -> Option<i32> {
        self.0.table_number
    }
    /// Whether an organiser fixed its slot and table, which scheduling keeps.
    async fn pinned(&self) -> bool {
        self.0.pinned
    }
    /// Raised each time scheduling moves it from a place it had: iCalendar's SEQUENCE.
    async fn sequence(&self) -> i32 {
        self.0.sequence
    }

    /// What came of it, once either side or an organiser recorded it after the event.
    async fn outcome(&self, ctx: &Context<'_>) -> AppResult<Option<super::outcome::MeetingOutcome>> {
        Ok(loaders(ctx)
            .load_one(super::outcome::OutcomeOfMeeting(self.0.id))
            .await?
            .map(super::outcome::MeetingOutcome))
    }
    /// Changes with every move.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was asked for.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Narrows a list of meetings.
#[derive(InputObject, Default)]
pub struct MeetingFilterInput {
    /// Meetings in one of these states.
    pub states: Option<Vec<MeetingState>>,
}

/// A page of the meetings of an event or a participant that the caller may see.
pub(super) async fn meeting_page(
    ctx: &Context<'_>,
    owner: Owner,
    filter: Option<MeetingFilterInput>,
    request: PageRequest,
) -> AppResult<MeetingConnection> {
    let window = request.window()?;
    let filter = MeetingFilter {
        states: to_entity(filter.unwrap_or_default().states),
    };
    let visibility = matchmaking_visibility(ctx);
    let page = domain::list(db(ctx), &visibility, owner, &filter, &window)
        .await?
        .map(Meeting);
    let total = total_count_if_selected(ctx, domain::count(db(ctx), &visibility, owner, &filter)).await?;
    Ok(MeetingConnection::new(page, total))
}

/// A meeting request.
#[derive(InputObject)]
pub struct RequestMeetingInput {
    /// The event's global ID.
    pub event_id: ID,
    /// The participant you act for, who asks.
    pub from_participant_id: ID,
    /// The participant asked.
    pub to_participant_id: ID,
    /// What you want to talk about; at most 2,000 characters.
    pub message: Option<String>,
}

/// A meeting an organiser adds, accepted at once.
#[derive(InputObject)]
pub struct AddMeetingInput {
    /// The event's global ID.
    pub event_id: ID,
    /// One side.
    pub from_participant_id: ID,
    /// The other side.
    pub to_participant_id: ID,
    /// A note to both; at most 2,000 characters.
    pub message: Option<String>,
}

/// The meeting to accept.
#[derive(InputObject)]
pub struct AcceptMeetingInput {
    /// The meeting's global ID.
    pub id: ID,
}

/// The meeting to decline or cancel, and why.
#[derive(InputObject)]
pub struct EndMeetingInput {
    /// The meeting's global ID.
    pub id: ID,
    /// Why; shown to both sides and the organisers; at most 2,000 characters.
    pub reason: Option<String>,
}

/// Where to pin an accepted meeting.
#[derive(InputObject)]
pub struct PinMeetingInput {
    /// The meeting's global ID.
    pub id: ID,
    /// A slot both sides are available in.
    pub slot: i32,
    /// A table free in that slot, from 0.
    pub table_number: i32,
}

/// The meeting to unpin.
#[derive(InputObject)]
pub struct UnpinMeetingInput {
    /// The meeting's global ID.
    pub id: ID,
}

/// The result of the meeting mutations.
#[derive(SimpleObject)]
pub struct MeetingPayload {
    /// The meeting as it is now.
    pub meeting: Meeting,
}

fn payload(model: row::Model) -> MeetingPayload {
    MeetingPayload {
        meeting: Meeting(model),
    }
}

#[derive(Default)]
pub struct MeetingMutation;

impl MeetingMutation {
    async fn respond(
        &self,
        ctx: &Context<'_>,
        id: &ID,
        action: Action,
        reason: Option<String>,
    ) -> AppResult<MeetingPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", id, TYPE_NAME)?;
        let model = domain::respond(db(ctx), actor, id, action, reason).await?;
        let change = match action {
            Action::Accept => MeetingChange::Accepted,
            Action::Decline => MeetingChange::Declined,
            Action::Cancel => MeetingChange::Cancelled,
        };
        // Committed by now: a subscriber reading the meeting back finds the change.
        notification::publish(hub(ctx), Notification::meeting_updated(&model, change));
        Ok(payload(model))
    }
}

#[Object]
impl MeetingMutation {
    /// Asks another approved participant of an OPEN event for a meeting, on behalf of a
    /// participant you act for, before the request deadline. Refusals: MEETING_WITH_ONESELF,
    /// MEETING_ALREADY_REQUESTED, EVENT_NOT_OPEN, REQUEST_DEADLINE_PASSED, MEETING_LIMIT_REACHED,
    /// PARTICIPANT_NOT_APPROVED, MEETING_KIND_NOT_ALLOWED.
    async fn request_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RequestMeetingInput`.")]
        input: RequestMeetingInput,
    ) -> AppResult<MeetingPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let event = node::decode("eventId", &input.event_id, EVENT)?;
        let from = node::decode("fromParticipantId", &input.from_participant_id, PARTICIPANT)?;
        let to = node::decode("toParticipantId", &input.to_participant_id, PARTICIPANT)?;
        let model = domain::request(db(ctx), actor, event, from, to, input.message).await?;
        notification::publish(hub(ctx), Notification::meeting_requested(&model));
        Ok(payload(model))
    }

    /// Accepts a request made of a participant you act for (TRANSITION_NOT_ALLOWED for the
    /// requester, or a request no longer REQUESTED; MEETING_LIMIT_REACHED past either maximum).
    async fn accept_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting to accept.")] input: AcceptMeetingInput,
    ) -> AppResult<MeetingPayload> {
        self.respond(ctx, &input.id, Action::Accept, None).await
    }

    /// Declines a request made of a participant you act for.
    async fn decline_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting to decline, and why.")] input: EndMeetingInput,
    ) -> AppResult<MeetingPayload> {
        self.respond(ctx, &input.id, Action::Decline, input.reason).await
    }

    /// Cancels a requested or accepted meeting: either side, or an organiser.
    async fn cancel_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting to cancel, and why.")] input: EndMeetingInput,
    ) -> AppResult<MeetingPayload> {
        self.respond(ctx, &input.id, Action::Cancel, input.reason).await
    }

    /// Adds an accepted meeting between two approved participants of an event you organise.
    async fn add_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `AddMeetingInput`.")]
        input: AddMeetingInput,
    ) -> AppResult<MeetingPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let event = node::decode("eventId", &input.event_id, EVENT)?;
        let from = node::decode("fromParticipantId", &input.from_participant_id, PARTICIPANT)?;
        let to = node::decode("toParticipantId", &input.to_participant_id, PARTICIPANT)?;
        let model = domain::add(db(ctx), actor, event, from, to, input.message).await?;
        // Added already accepted: both sides hear of a request and of its acceptance.
        notification::publish(hub(ctx), Notification::meeting_requested(&model));
        notification::publish(hub(ctx), Notification::meeting_updated(&model, MeetingChange::Accepted));
        Ok(payload(model))
    }

    /// Fixes an accepted meeting of an event you organise at a slot and table; scheduling
    /// keeps it there.
    async fn pin_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `PinMeetingInput`.")]
        input: PinMeetingInput,
    ) -> AppResult<MeetingPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let place = (input.slot, input.table_number);
        let (model, before) = domain::pin(db(ctx), actor, id, Some(place)).await?;
        let change = match before {
            None => Some(MeetingChange::Scheduled),
            Some(before) if before != place => Some(MeetingChange::Moved),
            // Pinned where it already was: nothing a participant sees has changed.
            Some(_) => None,
        };
        if let Some(change) = change {
            notification::publish(hub(ctx), Notification::meeting_updated(&model, change));
        }
        Ok(payload(model))
    }

    /// Lets scheduling move a pinned meeting again (it keeps its place until then).
    async fn unpin_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting to unpin.")] input: UnpinMeetingInput,
    ) -> AppResult<MeetingPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        Ok(payload(domain::pin(db(ctx), actor, id, None).await?.0))
    }
}
