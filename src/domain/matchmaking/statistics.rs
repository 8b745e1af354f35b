//! The figures of a matchmaking event (`eventStatistics`) and of a cluster over all its events
//! (`Cluster.matchmakingRecord`), each read with grouped SQL: the database counts, and only the
//! counts travel, however many meetings an event had.

use std::collections::{BTreeMap, HashMap};

use entity::taxonomy::{MeetingKind, MeetingOutcomeKind, MeetingState, ParticipantKind};
use sea_orm::{ActiveEnum, ConnectionTrait, DatabaseBackend, QueryResult, Statement, Value};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// What ECCP reports of an event: "more than 4 meetings per cluster" is `at_least_four` and
/// `per_participant.mean`.
pub const MANY_MEETINGS: i64 = 4;

/// Counts of the meetings of an event by where they stand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingCounts {
    /// Every request, whatever became of it.
    pub requested: i64,
    pub accepted: i64,
    pub declined: i64,
    pub cancelled: i64,
    /// Accepted, with a slot.
    pub scheduled: i64,
    /// Scheduled, at an event that has FINISHED.
    pub held: i64,
}

/// Meetings per approved participant: held ones once the event is over, scheduled ones before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerParticipant {
    pub mean: f64,
    pub min: i64,
    pub max: i64,
    /// Approved participants with at least [`MANY_MEETINGS`] meetings.
    pub at_least_four: i64,
    pub participants: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventStatistics {
    /// Approved participants, by country code, in code order.
    pub by_country: BTreeMap<String, i64>,
    pub by_participant_kind: BTreeMap<ParticipantKind, i64>,
    pub meetings: MeetingCounts,
    /// Accepted meetings by kind.
    pub by_meeting_kind: BTreeMap<MeetingKind, i64>,
    pub per_participant: PerParticipant,
    pub outcomes: BTreeMap<MeetingOutcomeKind, i64>,
}

/// One statement, with `?` placeholders written the way the backend wants them.
fn statement(backend: DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => {
            let mut numbered = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(c);
                }
            }
            numbered
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

fn code<E: ActiveEnum<Value = String>>(row: &QueryResult, column: &str) -> AppResult<E> {
    let text: String = row.try_get("", column)?;
    E::try_from_value(&text).map_err(|_| AppError::internal(format!("unknown code {text} in {column}")))
}

const APPROVED_BY_COUNTRY_AND_KIND: &str = "SELECT country, kind, COUNT(*) AS n FROM event_participant \
     WHERE event_id = ? AND status = 'APPROVED' GROUP BY country, kind";

const MEETINGS_BY_STATE: &str = "SELECT state, kind, CASE WHEN slot IS NULL THEN 0 ELSE 1 END AS scheduled, \
     COUNT(*) AS n FROM meeting WHERE event_id = ? \
     GROUP BY state, kind, CASE WHEN slot IS NULL THEN 0 ELSE 1 END";

/// Each approved participant's scheduled meetings, then their spread, in one statement.
const PER_PARTICIPANT: &str = "SELECT COUNT(*) AS participants, MIN(n) AS least, MAX(n) AS most, \
     CAST(SUM(n) AS BIGINT) AS total, CAST(SUM(CASE WHEN n >= ? THEN 1 ELSE 0 END) AS BIGINT) AS many \
     FROM (SELECT p.id, COUNT(m.id) AS n FROM event_participant p \
       LEFT JOIN meeting m ON m.event_id = p.event_id AND m.state = 'ACCEPTED' AND m.slot IS NOT NULL \
         AND (m.from_participant_id = p.id OR m.to_participant_id = p.id) \
       WHERE p.event_id = ? AND p.status = 'APPROVED' GROUP BY p.id) counted";

const OUTCOMES_BY_KIND: &str = "SELECT kind, COUNT(*) AS n FROM meeting_outcome WHERE event_id = ? GROUP BY kind";

/// An event's figures; `finished` says whether its scheduled meetings were held.
pub async fn of_event<C: ConnectionTrait>(db: &C, event: Uuid, finished: bool) -> AppResult<EventStatistics> {
    let backend = db.get_database_backend();
    let mut stats = EventStatistics::default();
    let id = || vec![Value::from(event)];
    for row in db
        .query_all_raw(statement(backend, APPROVED_BY_COUNTRY_AND_KIND, id()))
        .await?
    {
        let n: i64 = row.try_get("", "n")?;
        *stats.by_country.entry(row.try_get("", "country")?).or_default() += n;
        *stats.by_participant_kind.entry(code(&row, "kind")?).or_default() += n;
    }
    for row in db.query_all_raw(statement(backend, MEETINGS_BY_STATE, id())).await? {
        let n: i64 = row.try_get("", "n")?;
        let state: MeetingState = code(&row, "state")?;
        let scheduled: i32 = row.try_get("", "scheduled")?;
        let m = &mut stats.meetings;
        m.requested += n;
        match state {
            MeetingState::Accepted => {
                m.accepted += n;
                *stats.by_meeting_kind.entry(code(&row, "kind")?).or_default() += n;
                if scheduled == 1 {
                    m.scheduled += n;
                    if finished {
                        m.held += n;
                    }
                }
            }
            MeetingState::Declined => m.declined += n,
            MeetingState::Cancelled => m.cancelled += n,
            MeetingState::Requested => {}
        }
    }
    let values = vec![Value::from(MANY_MEETINGS), Value::from(event)];
    if let Some(row) = db.query_one_raw(statement(backend, PER_PARTICIPANT, values)).await? {
        let participants: i64 = row.try_get("", "participants")?;
        let total: Option<i64> = row.try_get("", "total")?;
        stats.per_participant = PerParticipant {
            mean: if participants == 0 {
                0.0
            } else {
                total.unwrap_or(0) as f64 / participants as f64
            },
            min: row.try_get::<Option<i64>>("", "least")?.unwrap_or(0),
            max: row.try_get::<Option<i64>>("", "most")?.unwrap_or(0),
            at_least_four: row.try_get::<Option<i64>>("", "many")?.unwrap_or(0),
            participants,
        };
    }
    for row in db.query_all_raw(statement(backend, OUTCOMES_BY_KIND, id())).await? {
        stats.outcomes.insert(code(&row, "kind")?, row.try_get("", "n")?);
    }
    Ok(stats)
}

/// A cluster's matchmaking over all events: those it attended (approved, the event FINISHED),
/// the meetings it held there, and what came of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchmakingRecord {
    pub events_attended: i64,
    pub meetings_held: i64,
    pub outcomes: BTreeMap<MeetingOutcomeKind, i64>,
}

/// The records of many clusters in one statement (three grouped parts, united).
pub async fn records<C: ConnectionTrait>(db: &C, clusters: &[Uuid]) -> AppResult<HashMap<Uuid, MatchmakingRecord>> {
    let mut records: HashMap<Uuid, MatchmakingRecord> =
        clusters.iter().map(|&c| (c, MatchmakingRecord::default())).collect();
    if clusters.is_empty() {
        return Ok(records);
    }
    let list = vec!["?"; clusters.len()].join(", ");
    // The participations that count, and the meetings held in them.
    let attended = "FROM event_participant p JOIN matchmaking_event e ON e.id = p.event_id AND e.status = 'FINISHED'";
    let held = "JOIN meeting m ON m.state = 'ACCEPTED' AND m.slot IS NOT NULL \
                AND (m.from_participant_id = p.id OR m.to_participant_id = p.id)";
    let approved = format!("WHERE p.cluster_id IN ({list}) AND p.status = 'APPROVED'");
    let sql = format!(
        "SELECT p.cluster_id AS cluster, 'EVENTS' AS measure, '' AS kind, COUNT(DISTINCT p.event_id) AS n \
           {attended} {approved} GROUP BY p.cluster_id \
         UNION ALL \
         SELECT p.cluster_id, 'MEETINGS', '', COUNT(m.id) {attended} {held} {approved} GROUP BY p.cluster_id \
         UNION ALL \
         SELECT p.cluster_id, 'OUTCOMES', o.kind, COUNT(o.id) {attended} {held} \
           JOIN meeting_outcome o ON o.meeting_id = m.id {approved} GROUP BY p.cluster_id, o.kind"
    );
    let values: Vec<Value> = (0..3).flat_map(|_| clusters.iter().map(|&c| Value::from(c))).collect();
    let backend = db.get_database_backend();
    for row in db.query_all_raw(statement(backend, &sql, values)).await? {
        let cluster: Uuid = row.try_get("", "cluster")?;
        let measure: String = row.try_get("", "measure")?;
        let n: i64 = row.try_get("", "n")?;
        let Some(record) = records.get_mut(&cluster) else {
            continue;
        };
        match measure.as_str() {
            "EVENTS" => record.events_attended = n,
            "MEETINGS" => record.meetings_held = n,
            _ => {
                record.outcomes.insert(code(&row, "kind")?, n);
            }
        }
    }
    Ok(records)
}
