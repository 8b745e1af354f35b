//! `EventParticipant` in GraphQL: who takes part in an event, the event's list of them, and the
//! mutations that register, change, approve and reject them.
//!
//! Long because the type's some twenty fields, its filter, its inputs and its four mutations map
//! one domain module (`domain::matchmaking::participant`) field for field, each resolver a few
//! lines; split, the type and its inputs would no longer be read side by side.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::event_participant as row;

use super::{
    event::{MatchmakingEvent, TYPE_NAME as EVENT},
    meeting::{meeting_page, MeetingFilterInput},
};
use crate::{
    domain::{
        matchmaking::{
            meeting::Owner,
            participant::{self as domain, Business, NewParticipant, ParticipantFilter, Profile},
            suggestion,
        },
        pagination::PageRequest,
        policy,
    },
    error::AppResult,
    graphql::{
        account::TYPE_NAME as USER,
        cluster::{Cluster, TYPE_NAME as CLUSTER},
        connection::{total_count_if_selected, Connection, EventParticipantConnection, MeetingConnection},
        context::{caller, db, list, loaders, matchmaking_visibility},
        discovery::RecommendationReason,
        enums::{to_entity, Ecosystem, MemberKind},
        loaders as l, node,
    },
};

pub const TYPE_NAME: &str = "EventParticipant";

/// Who takes part in a matchmaking event.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::taxonomy::ParticipantKind")]
pub enum ParticipantKind {
    /// A cluster with a profile in the directory.
    Cluster,
    /// A business or other organisation without one.
    Business,
}

/// Whether the organisers let a participant take part.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::taxonomy::ParticipantStatus")]
pub enum ParticipantStatus {
    /// Registered, waiting for the organisers.
    Pending,
    /// Listed to the other participants and can meet them.
    Approved,
    /// Turned away by the organisers.
    Rejected,
}

#[derive(Clone)]
pub struct EventParticipant(pub row::Model);

impl EventParticipant {
    /// Whether the caller acts for this participant or organises its event: they see what is
    /// not for everyone (the organisers' note).
    async fn is_close(&self, ctx: &Context<'_>) -> AppResult<bool> {
        let Some(p) = caller(ctx).principal() else {
            return Ok(false);
        };
        let participant = domain::context(db(ctx), self.0.id).await?;
        if participant.acts_for(p) {
            return Ok(true);
        }
        let event = crate::domain::matchmaking::event::context(db(ctx), self.0.event_id).await?;
        Ok(event.organised_by(p))
    }
}

#[Object]
/// A cluster or business taking part in a matchmaking event. Approved participants are listed
/// to everyone who sees the event; the others to the organisers and those who act for them.
impl EventParticipant {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The event it takes part in.
    async fn event(&self, ctx: &Context<'_>) -> AppResult<Option<MatchmakingEvent>> {
        Ok(loaders(ctx)
            .load_one(l::MatchmakingEventById(self.0.event_id))
            .await?
            .map(MatchmakingEvent))
    }
    /// A cluster or a business.
    async fn kind(&self) -> ParticipantKind {
        self.0.kind.into()
    }
    /// The cluster that takes part; null for a business, or when you may not see the profile.
    async fn cluster(&self, ctx: &Context<'_>) -> AppResult<Option<Cluster>> {
        let Some(id) = self.0.cluster_id else {
            return Ok(None);
        };
        Ok(loaders(ctx).load_one(l::ClusterById(id)).await?.map(Cluster))
    }
    /// Its name (a cluster's as it registered).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// ISO 3166-1 alpha-2 code of its country.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// What sort of organisation a business is; null for a cluster.
    async fn organisation_kind(&self) -> Option<MemberKind> {
        self.0.organisation_kind.map(Into::into)
    }
    /// What it does; plain text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Its website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// What it offers partners; plain text.
    async fn offers(&self) -> Option<&str> {
        self.0.offers.as_deref()
    }
    /// What it seeks in partners; plain text.
    async fn seeks(&self) -> Option<&str> {
        self.0.seeks.as_deref()
    }
    /// EU industrial ecosystems it offers partners in.
    async fn offered_ecosystems(&self, ctx: &Context<'_>) -> AppResult<Vec<Ecosystem>> {
        Ok(list(ctx, l::OfferedEcosystemsOf(self.0.id))
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
    /// EU industrial ecosystems it seeks partners in.
    async fn sought_ecosystems(&self, ctx: &Context<'_>) -> AppResult<Vec<Ecosystem>> {
        Ok(list(ctx, l::SoughtEcosystemsOf(self.0.id))
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
    /// The slots (see `MatchmakingEvent.slots`) it can meet in.
    async fn available_slots(&self, ctx: &Context<'_>) -> AppResult<Vec<i32>> {
        list(ctx, l::AvailableSlotsOf(self.0.id)).await
    }
    /// The most meetings it wants.
    async fn max_meetings(&self) -> i32 {
        self.0.max_meetings
    }
    /// Whether the organisers approved it.
    async fn status(&self) -> ParticipantStatus {
        self.0.status.into()
    }
    /// Why the organisers turned it away: for the organisers and those who act for it.
    async fn review_note(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        if self.0.review_note.is_none() || !self.is_close(ctx).await? {
            return Ok(None);
        }
        Ok(self.0.review_note.clone())
    }
    /// Its meetings, oldest first: for those who act for it and the organisers (others see
    /// none).
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
            Owner::Participant(self.0.id),
            filter,
            PageRequest::new(first, after, last, before),
        )
        .await
    }
    /// Whom it might meet: the other approved participants it has no meeting with, best first,
    /// scored and explained as `recommendedPartners` does; for those who act for it and the
    /// organisers.
    async fn suggested_meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1–50.", default = 10)] first: i32,
    ) -> AppResult<Vec<MeetingSuggestion>> {
        let first = usize::try_from(first).unwrap_or(0);
        let suggestions = suggestion::suggest(db(ctx), caller(ctx).principal(), self.0.id, first).await?;
        Ok(suggestions
            .into_iter()
            .map(|s| MeetingSuggestion {
                participant: EventParticipant(s.participant),
                score: s.score,
                reasons: s.reasons.into_iter().map(Into::into).collect(),
            })
            .collect())
    }
    /// Its scheduled meetings in time order, with the other side, the table and the times: for
    /// those who act for it and the organisers (others see none).
    async fn agenda(&self, ctx: &Context<'_>) -> AppResult<Vec<super::agenda::AgendaMeeting>> {
        super::agenda::agenda_of(ctx, &self.0).await
    }
    /// When its agenda link (`createAgendaLink`) was made; null when it has none, or for those
    /// who may not see its agenda.
    async fn agenda_link_created_at(&self, ctx: &Context<'_>) -> AppResult<Option<DateTime<Utc>>> {
        if !self.is_close(ctx).await? {
            return Ok(None);
        }
        crate::domain::matchmaking::agenda::link_created_at(db(ctx), self.0.id).await
    }
    /// Send it back with a change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A participant suggested to meet, with the reasons.
#[derive(SimpleObject)]
pub struct MeetingSuggestion {
    /// The participant to meet.
    pub participant: EventParticipant,
    /// The sum of the reasons' points.
    pub score: f64,
    /// The parts of the score.
    pub reasons: Vec<RecommendationReason>,
}

/// Narrows an event's participants. Values within a field are alternatives (OR); fields combine (AND).
#[derive(InputObject, Default)]
pub struct EventParticipantFilter {
    /// Participants from one of these countries.
    pub countries: Option<Vec<String>>,
    /// Clusters, businesses or both.
    pub kinds: Option<Vec<ParticipantKind>>,
    /// Participants in one of these statuses (those you may see).
    pub statuses: Option<Vec<ParticipantStatus>>,
    /// Participants that offer or seek partners in one of these ecosystems.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// Words that must all appear in the name, description, offers or seeks.
    pub query: Option<String>,
}

impl MatchmakingEvent {
    pub(super) async fn participant_page(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventParticipantFilter>,
        request: PageRequest,
    ) -> AppResult<EventParticipantConnection> {
        let window = request.window()?;
        let filter = filter.unwrap_or_default();
        let mut filter = ParticipantFilter {
            countries: filter.countries.unwrap_or_default(),
            kinds: to_entity(filter.kinds),
            statuses: to_entity(filter.statuses),
            ecosystems: to_entity(filter.ecosystems),
            query: filter.query,
        };
        filter.validate()?;
        let visibility = matchmaking_visibility(ctx);
        let page = domain::list(db(ctx), &visibility, self.0.id, &filter, &window)
            .await?
            .map(EventParticipant);
        let total = total_count_if_selected(ctx, domain::count(db(ctx), &visibility, self.0.id, &filter)).await?;
        Ok(EventParticipantConnection::new(page, total))
    }
}

/// A business or other organisation that takes part without a cluster profile.
#[derive(InputObject)]
pub struct BusinessInput {
    /// Its name; trimmed, not empty, at most 200 characters.
    pub name: String,
    /// ISO 3166-1 alpha-2 code of its country.
    pub country: String,
    /// What sort of organisation it is.
    pub kind: MemberKind,
    /// What it does; plain text.
    pub description: Option<String>,
    /// Its website: an http(s) URL.
    pub website: Option<String>,
}

/// A registration for an OPEN event, before its registration deadline.
#[derive(InputObject)]
pub struct RegisterParticipantInput {
    /// The event's global ID.
    pub event_id: ID,
    /// A cluster you edit, to take part with; or else `business`.
    pub cluster_id: Option<ID>,
    /// A business that takes part; you act for it (with `userIds`).
    pub business: Option<BusinessInput>,
    /// What it offers partners; at most 5,000 characters.
    pub offers: Option<String>,
    /// What it seeks in partners; at most 5,000 characters.
    pub seeks: Option<String>,
    /// EU industrial ecosystems it offers partners in.
    pub offered_ecosystems: Option<Vec<Ecosystem>>,
    /// EU industrial ecosystems it seeks partners in.
    pub sought_ecosystems: Option<Vec<Ecosystem>>,
    /// The slots it can meet in, by number (see `MatchmakingEvent.slots`).
    pub available_slots: Vec<i32>,
    /// The most meetings it wants, 1 to 100.
    pub max_meetings: i32,
    /// Further users (global IDs) who act for a business, at most 20 in all.
    pub user_ids: Option<Vec<ID>>,
}

/// The result of the participant mutations.
#[derive(SimpleObject)]
pub struct EventParticipantPayload {
    /// The participant as it is now.
    pub participant: EventParticipant,
}

/// A participant's new wishes and availability; the whole profile, replacing the old one.
#[derive(InputObject)]
pub struct UpdateParticipantInput {
    /// The participant's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// What it offers partners.
    pub offers: Option<String>,
    /// What it seeks in partners.
    pub seeks: Option<String>,
    /// EU industrial ecosystems it offers partners in.
    pub offered_ecosystems: Option<Vec<Ecosystem>>,
    /// EU industrial ecosystems it seeks partners in.
    pub sought_ecosystems: Option<Vec<Ecosystem>>,
    /// The slots it can meet in.
    pub available_slots: Vec<i32>,
    /// The most meetings it wants, 1 to 100.
    pub max_meetings: i32,
}

/// An organiser's decision on a PENDING participant.
#[derive(InputObject)]
pub struct ReviewParticipantInput {
    /// The participant's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Why (shown to the participant); at most 5,000 characters.
    pub reason: Option<String>,
}

#[derive(Default)]
pub struct ParticipantMutation;

#[Object]
impl ParticipantMutation {
    /// Registers a cluster you edit, or a business you act for, for an OPEN event; it waits
    /// for the organisers' approval.
    async fn register_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RegisterParticipantInput`.")]
        input: RegisterParticipantInput,
    ) -> AppResult<EventParticipantPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let new = NewParticipant {
            event_id: node::decode("eventId", &input.event_id, EVENT)?,
            cluster_id: input
                .cluster_id
                .map(|id| node::decode("clusterId", &id, CLUSTER))
                .transpose()?,
            business: input.business.map(|b| Business {
                name: b.name,
                country: b.country,
                kind: b.kind.into(),
                description: b.description,
                website: b.website,
            }),
            profile: Profile {
                offers: input.offers,
                seeks: input.seeks,
                offered_ecosystems: to_entity(input.offered_ecosystems),
                sought_ecosystems: to_entity(input.sought_ecosystems),
                available_slots: input.available_slots,
                max_meetings: input.max_meetings,
            },
            user_ids: node::decode_all("userIds", &input.user_ids.unwrap_or_default(), USER)?,
        };
        let model = domain::register(db(ctx), actor, new).await?;
        Ok(EventParticipantPayload {
            participant: EventParticipant(model),
        })
    }

    /// Changes what a participant you act for offers and seeks, and when it is available.
    async fn update_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `UpdateParticipantInput`.")]
        input: UpdateParticipantInput,
    ) -> AppResult<EventParticipantPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let profile = Profile {
            offers: input.offers,
            seeks: input.seeks,
            offered_ecosystems: to_entity(input.offered_ecosystems),
            sought_ecosystems: to_entity(input.sought_ecosystems),
            available_slots: input.available_slots,
            max_meetings: input.max_meetings,
        };
        let model = domain::update(db(ctx), actor, id, input.version, profile).await?;
        Ok(EventParticipantPayload {
            participant: EventParticipant(model),
        })
    }

    /// Approves a PENDING participant of an event you organise: it is listed and can meet.
    async fn approve_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `ReviewParticipantInput`.")]
        input: ReviewParticipantInput,
    ) -> AppResult<EventParticipantPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::review(db(ctx), actor, id, input.version, true, input.reason).await?;
        Ok(EventParticipantPayload {
            participant: EventParticipant(model),
        })
    }

    /// Turns away a PENDING participant of an event you organise.
    async fn reject_participant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `ReviewParticipantInput`.")]
        input: ReviewParticipantInput,
    ) -> AppResult<EventParticipantPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::review(db(ctx), actor, id, input.version, false, input.reason).await?;
        Ok(EventParticipantPayload {
            participant: EventParticipant(model),
        })
    }
}
