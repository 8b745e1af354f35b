//! `eventStatistics` and `Cluster.matchmakingRecord` in GraphQL: the figures of an event, and of
//! a cluster over all its events through a loader that reads a page of clusters in one statement.

use std::collections::{BTreeMap, HashMap};

use async_graphql::{dataloader::Loader, Context, Object, SimpleObject, ID};
use entity::taxonomy as t;
use sea_orm::Iterable;
use uuid::Uuid;

use super::{
    event::{MeetingKind, TYPE_NAME as EVENT},
    outcome::MeetingOutcomeKind,
    participant::ParticipantKind,
};
use crate::{
    domain::matchmaking::{
        event as events,
        statistics::{self as domain, MatchmakingRecord as Record},
    },
    error::{AppError, AppResult},
    graphql::{
        context::{caller, db, loaders},
        loaders::Loaders,
        node,
    },
};

/// How many approved participants come from one country.
#[derive(SimpleObject)]
pub struct CountryCount {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Approved participants from it.
    pub count: i64,
}

/// How many approved participants are of one kind.
#[derive(SimpleObject)]
pub struct ParticipantKindCount {
    /// Cluster or business.
    pub kind: ParticipantKind,
    /// Approved participants of this kind.
    pub count: i64,
}

/// How many accepted meetings are of one kind.
#[derive(SimpleObject)]
pub struct MeetingKindCount {
    /// C2C, C2B or B2B.
    pub kind: MeetingKind,
    /// Accepted meetings of this kind.
    pub count: i64,
}

/// How many meetings had one outcome.
#[derive(SimpleObject)]
pub struct OutcomeKindCount {
    /// What came of them.
    pub kind: MeetingOutcomeKind,
    /// Meetings with this outcome.
    pub count: i64,
}

/// An event's meetings by where they stand.
#[derive(SimpleObject)]
pub struct MeetingCounts {
    /// Every meeting ever requested or added, whatever became of it.
    pub requested: i64,
    /// Accepted (and not cancelled since).
    pub accepted: i64,
    /// Declined by the invited side.
    pub declined: i64,
    /// Cancelled by either side or an organiser.
    pub cancelled: i64,
    /// Accepted and given a slot and a table.
    pub scheduled: i64,
    /// Scheduled, at an event that has FINISHED: the meetings that took place.
    pub held: i64,
}

/// Meetings per approved participant: held ones once the event is FINISHED, scheduled ones before.
#[derive(SimpleObject)]
pub struct MeetingsPerParticipant {
    /// The average over all approved participants, those without a meeting included.
    pub mean: f64,
    /// The fewest any approved participant had.
    pub min: i64,
    /// The most any approved participant had.
    pub max: i64,
    /// Approved participants with at least 4 meetings.
    pub with_at_least_four: i64,
    /// `withAtLeastFour` over the approved participants, from 0 to 1 (0 without participants).
    pub share_with_at_least_four: f64,
}

/// Every kind of `E` with its count (0 when absent), in the enum's order.
fn every<E: Iterable + Ord + Copy, G: From<E>>(counts: &BTreeMap<E, i64>) -> Vec<(G, i64)> {
    E::iter()
        .map(|k| (k.into(), counts.get(&k).copied().unwrap_or(0)))
        .collect()
}

fn outcomes_of(counts: &BTreeMap<t::MeetingOutcomeKind, i64>) -> Vec<OutcomeKindCount> {
    every::<_, MeetingOutcomeKind>(counts)
        .into_iter()
        .map(|(kind, count)| OutcomeKindCount { kind, count })
        .collect()
}

/// The figures of one matchmaking event.
pub struct EventStatistics(domain::EventStatistics);

#[Object]
/// What a matchmaking event came to: who took part, how many meetings were asked for, accepted,
/// scheduled and held, and what came of them.
impl EventStatistics {
    /// Approved participants.
    async fn participant_count(&self) -> i64 {
        self.0.by_country.values().sum()
    }
    /// Approved participants by country, in code order.
    async fn participants_by_country(&self) -> Vec<CountryCount> {
        self.0
            .by_country
            .iter()
            .map(|(country, &count)| CountryCount {
                country: country.clone(),
                count,
            })
            .collect()
    }
    /// Approved participants by kind, every kind listed.
    async fn participants_by_kind(&self) -> Vec<ParticipantKindCount> {
        every::<_, ParticipantKind>(&self.0.by_participant_kind)
            .into_iter()
            .map(|(kind, count)| ParticipantKindCount { kind, count })
            .collect()
    }
    /// Meetings by where they stand.
    async fn meetings(&self) -> MeetingCounts {
        let m = &self.0.meetings;
        MeetingCounts {
            requested: m.requested,
            accepted: m.accepted,
            declined: m.declined,
            cancelled: m.cancelled,
            scheduled: m.scheduled,
            held: m.held,
        }
    }
    /// Accepted meetings by kind, every kind listed.
    async fn meetings_by_kind(&self) -> Vec<MeetingKindCount> {
        every::<_, MeetingKind>(&self.0.by_meeting_kind)
            .into_iter()
            .map(|(kind, count)| MeetingKindCount { kind, count })
            .collect()
    }
    /// Meetings per approved participant.
    async fn meetings_per_participant(&self) -> MeetingsPerParticipant {
        let p = &self.0.per_participant;
        MeetingsPerParticipant {
            mean: p.mean,
            min: p.min,
            max: p.max,
            with_at_least_four: p.at_least_four,
            share_with_at_least_four: if p.participants == 0 {
                0.0
            } else {
                p.at_least_four as f64 / p.participants as f64
            },
        }
    }
    /// Recorded outcomes by kind, every kind listed.
    async fn outcomes_by_kind(&self) -> Vec<OutcomeKindCount> {
        outcomes_of(&self.0.outcomes)
    }
}

#[derive(Default)]
pub struct StatisticsQuery;

#[Object]
impl StatisticsQuery {
    /// The figures of a matchmaking event you may see (NOT_FOUND otherwise). Meetings per
    /// participant count at least 4 as ECCP reports it.
    async fn event_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's global ID.")] event_id: ID,
    ) -> AppResult<EventStatistics> {
        let id = node::decode("eventId", &event_id, EVENT)?;
        let context = events::visible_context(db(ctx), caller(ctx).principal(), id).await?;
        let finished = context.event.status == t::MatchmakingEventStatus::Finished;
        Ok(EventStatistics(domain::of_event(db(ctx), id, finished).await?))
    }
}

/// The matchmaking record of one cluster: the loader's key is the cluster's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MatchmakingRecordOf(pub Uuid);

impl Loader<MatchmakingRecordOf> for Loaders {
    type Value = Record;
    type Error = AppError;

    async fn load(&self, keys: &[MatchmakingRecordOf]) -> Result<HashMap<MatchmakingRecordOf, Record>, AppError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        Ok(domain::records(self.db(), &ids)
            .await?
            .into_iter()
            .map(|(id, record)| (MatchmakingRecordOf(id), record))
            .collect())
    }
}

/// A cluster's matchmaking over all events.
#[derive(Clone)]
pub struct MatchmakingRecord(pub Record);

#[Object]
/// What a cluster did at matchmaking events: the FINISHED events it took part in as an approved
/// participant, the meetings it held there, and what came of them.
impl MatchmakingRecord {
    /// FINISHED events it took part in, approved.
    async fn events_attended(&self) -> i64 {
        self.0.events_attended
    }
    /// Meetings it held at them.
    async fn meetings_held(&self) -> i64 {
        self.0.meetings_held
    }
    /// Recorded outcomes of those meetings by kind, every kind listed.
    async fn outcomes_by_kind(&self) -> Vec<OutcomeKindCount> {
        outcomes_of(&self.0.outcomes)
    }
}

/// A cluster's record, through its loader.
pub async fn record_of(ctx: &Context<'_>, cluster: Uuid) -> AppResult<MatchmakingRecord> {
    Ok(MatchmakingRecord(
        loaders(ctx)
            .load_one(MatchmakingRecordOf(cluster))
            .await?
            .unwrap_or_default(),
    ))
}
