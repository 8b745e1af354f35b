//! The events webhooks tell of, and raising one: inside the transaction of the write that
//! causes it, a delivery row per enabled endpoint that follows its type and whose partner
//! organisation may see the record (a partner never learns of another country's draft).

use chrono::{SecondsFormat, Utc};
use entity::{
    cluster, partner_organisation_country,
    webhook_delivery::{self, DeliveryStatus},
    webhook_endpoint::{self, EndpointStatus},
    webhook_endpoint_event_type,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef,
};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::{domain::policy, error::AppResult};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    ClusterCreated,
    ClusterUpdated,
    ClusterPublished,
    PartnershipJoined,
    MeetingRequested,
    MeetingScheduled,
    PostPublished,
    InterestExpressed,
}

impl EventType {
    pub const ALL: [EventType; 8] = [
        EventType::ClusterCreated,
        EventType::ClusterUpdated,
        EventType::ClusterPublished,
        EventType::PartnershipJoined,
        EventType::MeetingRequested,
        EventType::MeetingScheduled,
        EventType::PostPublished,
        EventType::InterestExpressed,
    ];

    /// The code stored with an endpoint's subscriptions, as the GraphQL enum spells it.
    pub const fn code(self) -> &'static str {
        match self {
            EventType::ClusterCreated => "CLUSTER_CREATED",
            EventType::ClusterUpdated => "CLUSTER_UPDATED",
            EventType::ClusterPublished => "CLUSTER_PUBLISHED",
            EventType::PartnershipJoined => "PARTNERSHIP_JOINED",
            EventType::MeetingRequested => "MEETING_REQUESTED",
            EventType::MeetingScheduled => "MEETING_SCHEDULED",
            EventType::PostPublished => "POST_PUBLISHED",
            EventType::InterestExpressed => "INTEREST_EXPRESSED",
        }
    }

    /// The payload's `type`, dotted as Standard Webhooks' examples are: `cluster.published`.
    pub const fn name(self) -> &'static str {
        match self {
            EventType::ClusterCreated => "cluster.created",
            EventType::ClusterUpdated => "cluster.updated",
            EventType::ClusterPublished => "cluster.published",
            EventType::PartnershipJoined => "partnership.joined",
            EventType::MeetingRequested => "meeting.requested",
            EventType::MeetingScheduled => "meeting.scheduled",
            EventType::PostPublished => "post.published",
            EventType::InterestExpressed => "interest.expressed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Who may be told: the partner organisations that may see the record.
pub enum Audience<'a> {
    /// A record whose visibility is its cluster's (a profile, a published post, a seat in a
    /// partnership): the organisations whose partners see the cluster.
    SeesCluster(&'a cluster::Model),
    /// A record private to the clusters involved (a meeting, an expression of interest): the
    /// organisations whose partners look after one of those clusters.
    LooksAfter(Vec<&'a cluster::Model>),
}

/// An event about to be raised: its type, its record's global ID and more of its `data`.
pub struct Event<'a> {
    pub event_type: EventType,
    /// The record's global ID, as the API gives it.
    pub id: String,
    pub data: Map<String, Value>,
    pub audience: Audience<'a>,
}

/// The global ID of a record, as `node(id:)` reads it.
pub fn global_id(type_name: &str, id: Uuid) -> String {
    crate::graphql::node::encode(type_name, id).0
}

fn joins_event_type() -> RelationDef {
    webhook_endpoint_event_type::Entity::belongs_to(webhook_endpoint::Entity)
        .from(webhook_endpoint_event_type::Column::EndpointId)
        .to(webhook_endpoint::Column::Id)
        .into()
}

/// The enabled endpoints that follow some event types, with what each one's partner
/// organisation may see: read once for a write of many records (an import reads them once for
/// the whole file), then [`Subscribers::raise_many`] for each batch of events.
pub struct Subscribers {
    endpoints: Vec<(webhook_endpoint::Model, String, policy::WebhookAudience)>,
}

impl Subscribers {
    /// The endpoints following any of `event_types` (two statements; one when none follows).
    pub async fn load(txn: &impl ConnectionTrait, event_types: &[EventType]) -> AppResult<Self> {
        let followed = webhook_endpoint::Entity::find()
            .select_also(webhook_endpoint_event_type::Entity)
            .join_rev(JoinType::InnerJoin, joins_event_type())
            .filter(webhook_endpoint_event_type::Column::EventType.is_in(event_types.iter().map(|t| t.code())))
            .filter(webhook_endpoint::Column::Status.eq(EndpointStatus::Enabled))
            .all(txn)
            .await?;
        if followed.is_empty() {
            return Ok(Self { endpoints: Vec::new() });
        }
        let organisations: Vec<Uuid> = followed.iter().map(|(e, _)| e.partner_organisation_id).collect();
        let countries = partner_organisation_country::Entity::find()
            .filter(partner_organisation_country::Column::PartnerOrganisationId.is_in(organisations))
            .all(txn)
            .await?;
        let endpoints = followed
            .into_iter()
            .filter_map(|(endpoint, event_type)| {
                let of_owner: Vec<String> = countries
                    .iter()
                    .filter(|c| c.partner_organisation_id == endpoint.partner_organisation_id)
                    .map(|c| c.country.clone())
                    .collect();
                let sees = policy::WebhookAudience::of_partner_countries(of_owner);
                Some((endpoint, event_type?.event_type, sees))
            })
            .collect();
        Ok(Self { endpoints })
    }

    /// Queues each of `events` for every endpoint here that follows its type and may see it, in
    /// the caller's transaction (multi-row INSERTs): delivered if and only if the write commits.
    /// Returns how many deliveries were queued.
    pub async fn raise_many(&self, txn: &impl ConnectionTrait, events: Vec<Event<'_>>) -> AppResult<usize> {
        if self.endpoints.is_empty() {
            return Ok(0);
        }
        let now = Utc::now();
        let mut rows: Vec<webhook_delivery::ActiveModel> = Vec::new();
        for event in events {
            let code = event.event_type.code();
            let mut payload = None;
            for (endpoint, _, sees) in self.endpoints.iter().filter(|(_, t, _)| t == code) {
                let seen = match &event.audience {
                    Audience::SeesCluster(cluster) => sees.sees_cluster(cluster),
                    Audience::LooksAfter(clusters) => clusters.iter().any(|c| sees.looks_after(c)),
                };
                if !seen {
                    continue;
                }
                let payload = payload.get_or_insert_with(|| {
                    let mut data = event.data.clone();
                    data.insert("id".into(), Value::String(event.id.clone()));
                    json!({
                        "type": event.event_type.name(),
                        "timestamp": now.to_rfc3339_opts(SecondsFormat::Millis, true),
                        "data": data,
                    })
                    .to_string()
                });
                rows.push(webhook_delivery::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    endpoint_id: Set(endpoint.id),
                    event_type: Set(code.to_owned()),
                    payload: Set(payload.clone()),
                    status: Set(DeliveryStatus::Queued),
                    attempts: Set(0),
                    next_attempt_at: Set(now),
                    lease_until: Set(None),
                    lease_owner: Set(None),
                    last_error: Set(None),
                    response_code: Set(None),
                    sent_at: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
        }
        let queued = rows.len();
        crate::domain::bulk::insert_chunks(txn, rows).await?;
        Ok(queued)
    }
}

/// Queues `event` for every enabled endpoint that follows it and may see it, in the caller's
/// transaction: delivered if and only if the write commits. Returns how many were queued.
pub async fn raise(txn: &impl ConnectionTrait, event: Event<'_>) -> AppResult<usize> {
    Subscribers::load(txn, &[event.event_type])
        .await?
        .raise_many(txn, vec![event])
        .await
}

/// The `data` of a cluster event, beyond its id.
pub fn cluster_data(cluster: &cluster::Model) -> Map<String, Value> {
    let mut data = Map::new();
    data.insert("slug".into(), Value::String(cluster.slug.clone()));
    data.insert("name".into(), Value::String(cluster.name.clone()));
    data.insert("country".into(), Value::String(cluster.country.clone()));
    data.insert("version".into(), Value::from(cluster.version));
    data
}

/// A cluster event: the cluster's profile is its audience.
pub fn cluster_event(event_type: EventType, cluster: &cluster::Model) -> Event<'_> {
    Event {
        event_type,
        id: global_id("Cluster", cluster.id),
        data: cluster_data(cluster),
        audience: Audience::SeesCluster(cluster),
    }
}

/// The event types a cluster's write raises, for [`Subscribers::load`].
pub const CLUSTER_EVENTS: [EventType; 3] = [
    EventType::ClusterCreated,
    EventType::ClusterUpdated,
    EventType::ClusterPublished,
];

/// Raises PARTNERSHIP_JOINED: `cluster` took its seat in the partnership. A taken seat is as
/// public as the cluster's profile.
pub async fn partnership_joined(
    txn: &impl ConnectionTrait,
    partnership: Uuid,
    cluster: &cluster::Model,
) -> AppResult<usize> {
    let mut data = Map::new();
    data.insert("clusterId".into(), Value::String(global_id("Cluster", cluster.id)));
    raise(
        txn,
        Event {
            event_type: EventType::PartnershipJoined,
            id: global_id("Partnership", partnership),
            data,
            audience: Audience::SeesCluster(cluster),
        },
    )
    .await
}

/// Raises MEETING_SCHEDULED for each meeting that got a slot, told to the partners of a side's
/// cluster only. Reads the sides' clusters in two statements, and nothing when no endpoint
/// follows the event type.
pub async fn meetings_scheduled(
    txn: &impl ConnectionTrait,
    event_id: Uuid,
    placed: &[(&entity::meeting::Model, i32, i32)],
) -> AppResult<usize> {
    use entity::event_participant;
    let followed = webhook_endpoint_event_type::Entity::find()
        .filter(webhook_endpoint_event_type::Column::EventType.eq(EventType::MeetingScheduled.code()))
        .one(txn)
        .await?;
    if followed.is_none() || placed.is_empty() {
        return Ok(0);
    }
    let sides: Vec<Uuid> = placed
        .iter()
        .flat_map(|(m, _, _)| [m.from_participant_id, m.to_participant_id])
        .collect();
    let participants = event_participant::Entity::find()
        .filter(event_participant::Column::Id.is_in(sides))
        .all(txn)
        .await?;
    let cluster_ids: Vec<Uuid> = participants.iter().filter_map(|p| p.cluster_id).collect();
    let clusters = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(cluster_ids))
        .all(txn)
        .await?;
    let cluster_of = |participant: Uuid| {
        participants
            .iter()
            .find(|p| p.id == participant)
            .and_then(|p| p.cluster_id)
            .and_then(|id| clusters.iter().find(|c| c.id == id))
    };
    let mut queued = 0;
    for (meeting, slot, table) in placed {
        let mut data = Map::new();
        data.insert(
            "matchmakingEventId".into(),
            Value::String(global_id("MatchmakingEvent", event_id)),
        );
        data.insert("slot".into(), Value::from(*slot));
        data.insert("table".into(), Value::from(*table));
        let audience = [meeting.from_participant_id, meeting.to_participant_id]
            .into_iter()
            .filter_map(cluster_of)
            .collect();
        queued += raise(
            txn,
            Event {
                event_type: EventType::MeetingScheduled,
                id: global_id("Meeting", meeting.id),
                data,
                audience: Audience::LooksAfter(audience),
            },
        )
        .await?;
    }
    Ok(queued)
}
