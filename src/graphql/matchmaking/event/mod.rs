//! `MatchmakingEvent` in GraphQL: the event, its sessions and slots, the queries that find
//! events, and the mutations that create, change and move them through their status.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{matchmaking_event as row, matchmaking_session};

use super::{
    meeting::{meeting_page, MeetingFilterInput},
    participant::EventParticipantFilter,
};

use crate::{
    domain::{
        matchmaking::{
            event::{self as domain, StatusChange},
            meeting::Owner,
            EventFilter, EventPatch, NewEvent, Session,
        },
        pagination::PageRequest,
        policy,
    },
    error::AppResult,
    graphql::{
        account::TYPE_NAME as USER,
        connection::{
            total_count_if_selected, Connection, EventParticipantConnection, MatchmakingEventConnection,
            MeetingConnection,
        },
        context::{caller, db, list, loaders, matchmaking_visibility},
        enums::to_entity,
        loaders as l, node,
        scalars::{Date, TimeOfDay},
    },
};

mod inputs;

use self::inputs::patch_of;
pub use self::inputs::{
    ChangeMatchmakingEventStatusInput, CreateMatchmakingEventInput, MatchmakingEventPayload, MatchmakingSessionInput,
    UpdateMatchmakingEventInput,
};

pub const TYPE_NAME: &str = "MatchmakingEvent";

/// Where a matchmaking event stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::taxonomy::MatchmakingEventStatus")]
pub enum MatchmakingEventStatus {
    /// Being prepared; seen by its organisers only.
    Draft,
    /// Taking registrations and meeting requests.
    Open,
    /// Registration and requests are over; the organisers schedule the meetings.
    Closed,
    /// The accepted meetings have slots and tables; agendas are out.
    Scheduled,
    /// The event took place.
    Finished,
    /// The event will not take place.
    Cancelled,
}

/// Who meets whom.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::taxonomy::MeetingKind")]
pub enum MeetingKind {
    /// Cluster to cluster.
    #[graphql(name = "C2C")]
    C2c,
    /// Cluster to business (or another organisation that is not a cluster).
    #[graphql(name = "C2B")]
    C2b,
    /// Business to business.
    #[graphql(name = "B2B")]
    B2b,
}

#[derive(Clone)]
pub struct MatchmakingEvent(pub row::Model);

/// One session of an event: a day with a start and an end in the event's time zone.
#[derive(SimpleObject)]
pub struct MatchmakingSession {
    /// The day, in the event's time zone.
    pub date: Date,
    /// When it starts, local time.
    pub start_time: TimeOfDay,
    /// When it ends, local time.
    pub end_time: TimeOfDay,
}

impl From<matchmaking_session::Model> for MatchmakingSession {
    fn from(s: matchmaking_session::Model) -> Self {
        MatchmakingSession {
            date: Date(s.day),
            start_time: TimeOfDay(s.start_minute),
            end_time: TimeOfDay(s.end_minute),
        }
    }
}

/// One slot of an event: the sessions in time order, cut into slot-length pieces.
#[derive(SimpleObject)]
pub struct EventSlot {
    /// The slot's number, from 0 in time order: what availability and meetings name.
    pub number: i32,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
}

impl MatchmakingEvent {
    async fn sessions_of(&self, ctx: &Context<'_>) -> AppResult<Vec<Session>> {
        Ok(list(ctx, l::SessionsOf(self.0.id))
            .await?
            .iter()
            .map(Session::from)
            .collect())
    }
}

#[Object]
/// A matchmaking event: one-to-one meetings between clusters and businesses, in time slots at
/// tables, as ECCP runs them.
impl MatchmakingEvent {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The event's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What it is about; plain text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Where it takes place.
    async fn venue(&self) -> Option<&str> {
        self.0.venue.as_deref()
    }
    /// Where to join online.
    async fn online_url(&self) -> Option<&str> {
        self.0.online_url.as_deref()
    }
    /// The IANA time zone its sessions are in, e.g. `Asia/Taipei`.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
    /// Its sessions, in time order.
    async fn sessions(&self, ctx: &Context<'_>) -> AppResult<Vec<MatchmakingSession>> {
        Ok(list(ctx, l::SessionsOf(self.0.id))
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
    /// Minutes per meeting slot.
    async fn slot_minutes(&self) -> i32 {
        self.0.slot_minutes
    }
    /// Tables, so meetings at once.
    async fn table_count(&self) -> i32 {
        self.0.table_count
    }
    /// How many slots the sessions make.
    async fn slot_count(&self, ctx: &Context<'_>) -> AppResult<i32> {
        let sessions = self.sessions_of(ctx).await?;
        Ok(domain::slots(domain::zone_of(&self.0), self.0.slot_minutes, &sessions).len() as i32)
    }
    /// The slots the sessions make, in time order: participants give their availability and
    /// meetings their place by these numbers.
    async fn slots(&self, ctx: &Context<'_>) -> AppResult<Vec<EventSlot>> {
        let sessions = self.sessions_of(ctx).await?;
        Ok(domain::slots(domain::zone_of(&self.0), self.0.slot_minutes, &sessions)
            .into_iter()
            .map(|s| EventSlot {
                number: s.number,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
            })
            .collect())
    }
    /// The last moment to register.
    async fn registration_deadline(&self) -> DateTime<Utc> {
        self.0.registration_deadline
    }
    /// The last moment to request a meeting.
    async fn request_deadline(&self) -> DateTime<Utc> {
        self.0.request_deadline
    }
    /// The meeting kinds it allows.
    async fn allowed_meeting_kinds(&self) -> Vec<MeetingKind> {
        domain::allowed_kinds(&self.0).into_iter().map(Into::into).collect()
    }
    /// Where it stands.
    async fn status(&self) -> MatchmakingEventStatus {
        self.0.status.into()
    }
    /// ISO 3166-1 alpha-2 codes of the countries it belongs to; their partners organise it.
    async fn countries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        list(ctx, l::EventCountriesOf(self.0.id)).await
    }
    /// Its participants, by name: the approved ones, and the others to the organisers and
    /// those who act for them.
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the participants that match.")] filter: Option<EventParticipantFilter>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<EventParticipantConnection> {
        self.participant_page(ctx, filter, PageRequest::new(first, after, last, before))
            .await
    }
    /// Its meetings you may see, oldest first: all of them as an organiser, else those of the
    /// participants you act for.
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the meetings that match.")] filter: Option<MeetingFilterInput>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<MeetingConnection> {
        meeting_page(
            ctx,
            Owner::Event(self.0.id),
            filter,
            PageRequest::new(first, after, last, before),
        )
        .await
    }
    /// Send it back with a change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Narrows matchmaking events. Values within a field are alternatives (OR); fields combine (AND).
#[derive(InputObject, Default)]
pub struct MatchmakingEventFilter {
    /// Events in one of these statuses.
    pub statuses: Option<Vec<MatchmakingEventStatus>>,
    /// Events that belong to one of these countries.
    pub countries: Option<Vec<String>>,
    /// Events with a session on or after this day.
    pub from: Option<Date>,
    /// Events with a session on or before this day.
    pub to: Option<Date>,
    /// Only records changed (their `updatedAt`) at or after this moment: a cheap poll for
    /// what changed since the last look (the change feeds also report deletions).
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Default)]
pub struct EventQuery;

#[Object]
impl EventQuery {
    /// A matchmaking event by its global ID; null when it does not exist or you may not see it
    /// (a DRAFT is for its organisers).
    async fn matchmaking_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's global ID.")] id: ID,
    ) -> AppResult<Option<MatchmakingEvent>> {
        let id = node::decode("id", &id, TYPE_NAME)?;
        Ok(loaders(ctx)
            .load_one(l::MatchmakingEventById(id))
            .await?
            .map(MatchmakingEvent))
    }

    /// Matchmaking events you may see, soonest registration deadline first.
    async fn matchmaking_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the events that match.")] filter: Option<MatchmakingEventFilter>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<MatchmakingEventConnection> {
        let window = PageRequest::new(first, after, last, before).window()?;
        let filter = filter.unwrap_or_default();
        let mut filter = EventFilter {
            statuses: to_entity(filter.statuses),
            countries: filter.countries.unwrap_or_default(),
            from: filter.from.map(|d| d.0),
            to: filter.to.map(|d| d.0),
            updated_since: filter.updated_since,
        };
        filter.validate()?;
        let visibility = matchmaking_visibility(ctx);
        let page = domain::list(db(ctx), &visibility, &filter, &window)
            .await?
            .map(MatchmakingEvent);
        let total = total_count_if_selected(ctx, domain::count(db(ctx), &visibility, &filter)).await?;
        Ok(MatchmakingEventConnection::new(page, total))
    }
}

#[derive(Default)]
pub struct EventMutation;

impl EventMutation {
    async fn change(
        &self,
        ctx: &Context<'_>,
        input: ChangeMatchmakingEventStatusInput,
        change: StatusChange,
    ) -> AppResult<MatchmakingEventPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::change_status(db(ctx), actor, id, input.version, change).await?;
        Ok(MatchmakingEventPayload {
            matchmaking_event: MatchmakingEvent(model),
        })
    }
}

#[Object]
impl EventMutation {
    /// Creates a matchmaking event as a DRAFT: administrators anywhere, partners in their countries.
    async fn create_matchmaking_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `CreateMatchmakingEventInput`.")]
        input: CreateMatchmakingEventInput,
    ) -> AppResult<MatchmakingEventPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let new = NewEvent {
            name: input.name,
            description: input.description,
            venue: input.venue,
            online_url: input.online_url,
            time_zone: input.time_zone,
            sessions: input.sessions.into_iter().map(Into::into).collect(),
            slot_minutes: input.slot_minutes,
            table_count: input.table_count,
            registration_deadline: input.registration_deadline,
            request_deadline: input.request_deadline,
            allowed_meeting_kinds: input.allowed_meeting_kinds.into_iter().map(Into::into).collect(),
            countries: input.countries,
            organiser_ids: node::decode_all("organiserIds", &input.organiser_ids.unwrap_or_default(), USER)?,
        };
        let model = domain::create(db(ctx), actor, new).await?;
        Ok(MatchmakingEventPayload {
            matchmaking_event: MatchmakingEvent(model),
        })
    }

    /// Changes an event you organise.
    async fn update_matchmaking_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `UpdateMatchmakingEventInput`.")]
        input: UpdateMatchmakingEventInput,
    ) -> AppResult<MatchmakingEventPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let patch = EventPatch {
            name: input.name,
            description: patch_of(input.description),
            venue: patch_of(input.venue),
            online_url: patch_of(input.online_url),
            time_zone: input.time_zone,
            sessions: input.sessions.map(|s| s.into_iter().map(Into::into).collect()),
            slot_minutes: input.slot_minutes,
            table_count: input.table_count,
            registration_deadline: input.registration_deadline,
            request_deadline: input.request_deadline,
            allowed_meeting_kinds: input
                .allowed_meeting_kinds
                .map(|k| k.into_iter().map(Into::into).collect()),
            countries: input.countries,
            organiser_ids: input
                .organiser_ids
                .map(|ids| node::decode_all("organiserIds", &ids, USER))
                .transpose()?,
        };
        let model = domain::update(db(ctx), actor, id, input.version, patch).await?;
        Ok(MatchmakingEventPayload {
            matchmaking_event: MatchmakingEvent(model),
        })
    }

    /// Opens a DRAFT event for registration and meeting requests.
    async fn open_matchmaking_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event and the version you read.")] input: ChangeMatchmakingEventStatusInput,
    ) -> AppResult<MatchmakingEventPayload> {
        self.change(ctx, input, StatusChange::Open).await
    }

    /// Closes an OPEN event's registration and requests, so its meetings can be scheduled.
    async fn close_matchmaking_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event and the version you read.")] input: ChangeMatchmakingEventStatusInput,
    ) -> AppResult<MatchmakingEventPayload> {
        self.change(ctx, input, StatusChange::Close).await
    }

    /// Marks a SCHEDULED event as having taken place.
    async fn finish_matchmaking_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event and the version you read.")] input: ChangeMatchmakingEventStatusInput,
    ) -> AppResult<MatchmakingEventPayload> {
        self.change(ctx, input, StatusChange::Finish).await
    }

    /// Cancels an event that has not finished.
    async fn cancel_matchmaking_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event and the version you read.")] input: ChangeMatchmakingEventStatusInput,
    ) -> AppResult<MatchmakingEventPayload> {
        self.change(ctx, input, StatusChange::Cancel).await
    }
}
