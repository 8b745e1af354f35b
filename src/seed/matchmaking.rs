//! The demo matchmaking events: the 2018 Taiwan–EU Cluster Cooperation matchmaking in Taipei
//! (5 June 2018, afternoon: 17 EU clusters, 17 Taiwanese associations, more than 70 meetings,
//! more than 4 per participant), and the 2016 ECCP matchmaking where CASTRA met Taiwan's
//! system-integration cluster, which the CASTRA success story names.
//!
//! Both events are over, so they are written as they stood when they ended, row by row, rather
//! than through the live mutations, whose deadlines lie ahead of the event. The Taipei meetings
//! are placed by the scheduler (`crate::domain::scheduler`), so no participant is in two places
//! and no table holds two meetings. Who met whom is a fixed pattern (each EU cluster meets the
//! Taiwanese participants 0, 2, 5 and 9 places along, and seven EU pairs meet too): the article
//! gives the totals, not the pairs.
//!
//! The article names 14 Taiwanese organisations; the other three Taiwanese participants are
//! invented, registered as organisations without a profile and marked "(demo)".

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entity::{
    cluster, event_participant, matchmaking_event, matchmaking_event_country, matchmaking_session, meeting,
    meeting_outcome, participant_available_slot,
    taxonomy::{
        MatchmakingEventStatus, MeetingKind, MeetingOutcomeKind, MeetingState, MemberKind, ParticipantKind,
        ParticipantStatus,
    },
};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{date, Written};
use crate::{
    domain::{
        matchmaking::{event as events, meeting::live_pair},
        scheduler,
    },
    error::{AppError, AppResult},
};

/// The 17 European clusters in Taipei: every published European profile, CASTRA first.
const EU: [&str; 17] = [
    "castra",
    "tu-lower-saxony",
    "smart-production-ni",
    "saxony-5g",
    "nordic-5g",
    "north-sea-wind",
    "cantabrian-wind",
    "guadalquivir-aero",
    "delta-circular",
    "baltic-circular",
    "scheldt-industry40",
    "piedmont-mechatronics",
    "silesia-ict",
    "alpine-electronics",
    "moravia-manufacturing",
    "space-data-occitanie",
    "shannon-medtech",
];

/// The 14 Taiwanese organisations of the article that take part with their profile.
const TW: [&str; 14] = [
    "cnfi",
    "tw-rapid-prototyping",
    "system-integration-tw",
    "tpca",
    "taia",
    "sampe-taiwan",
    "teema",
    "new-taipei-computer",
    "lihgu-alliance",
    "pharma-development-tw",
    "tmbia",
    "iot-tw",
    "frozen-seafood-tw",
    "tami",
];

/// The three invented Taiwanese associations that complete the 17.
const TW_DEMO: [&str; 3] = [
    "Taiwan 5G Industry Association (demo)",
    "Taiwan Offshore Wind Industry Association (demo)",
    "Taiwan Circular Economy Alliance (demo)",
];

/// Each EU cluster meets the Taiwanese participants this many places along the list.
const TW_OFFSETS: [usize; 4] = [0, 2, 5, 9];
/// EU clusters 2k and 2k+1 meet, for k below this.
const EU_PAIRS: usize = 7;
/// 14:00–17:20 in 20-minute slots: 10 slots.
const SLOT_MINUTES: i32 = 20;
const TABLES: i32 = 20;
const MAX_MEETINGS: i32 = 8;

/// What the story links to: the 2016 event and the meeting CASTRA held there.
pub(super) struct Castra2016 {
    pub event: Uuid,
    pub meeting: Uuid,
}

struct Side {
    id: Uuid,
    kind: ParticipantKind,
}

fn at(day: NaiveDate, hour: u32) -> AppResult<DateTime<Utc>> {
    day.and_hms_opt(hour, 0, 0)
        .map(|t| Utc.from_utc_datetime(&t))
        .ok_or_else(|| AppError::internal("demo data holds an invalid time"))
}

/// Writes an event that is over, with its countries and one session.
async fn event(
    db: &DatabaseTransaction,
    new: &events::NewEvent,
    status: MatchmakingEventStatus,
) -> AppResult<matchmaking_event::Model> {
    let session = new
        .sessions
        .first()
        .ok_or_else(|| AppError::internal("a demo event without a session"))?;
    let id = Uuid::now_v7();
    let written = at(session.day, 0)?;
    let model = matchmaking_event::Entity::insert(matchmaking_event::ActiveModel {
        id: Set(id),
        name: Set(new.name.clone()),
        description: Set(new.description.clone()),
        venue: Set(new.venue.clone()),
        online_url: Set(None),
        time_zone: Set(new.time_zone.clone()),
        slot_minutes: Set(new.slot_minutes),
        table_count: Set(new.table_count),
        registration_deadline: Set(new.registration_deadline),
        request_deadline: Set(new.request_deadline),
        allows_c2c: Set(true),
        allows_c2b: Set(true),
        allows_b2b: Set(false),
        status: Set(status),
        version: Set(1),
        created_at: Set(written),
        updated_at: Set(written),
    })
    .exec_with_returning(db)
    .await?;
    matchmaking_event_country::Entity::insert_many(new.countries.iter().map(|c| {
        matchmaking_event_country::ActiveModel {
            event_id: Set(id),
            country: Set(c.clone()),
        }
    }))
    .exec(db)
    .await?;
    matchmaking_session::Entity::insert(matchmaking_session::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_id: Set(id),
        day: Set(session.day),
        start_minute: Set(session.start_minute),
        end_minute: Set(session.end_minute),
    })
    .exec(db)
    .await?;
    Ok(model)
}

/// An approved participant available in every slot: a cluster of the directory, or an
/// organisation without a profile (`business`: its name and country).
async fn participant(
    db: &DatabaseTransaction,
    event: &matchmaking_event::Model,
    cluster: Option<&cluster::Model>,
    business: Option<(&str, &str)>,
    slots: i32,
) -> AppResult<Side> {
    let id = Uuid::now_v7();
    let (kind, name, country) = match (cluster, business) {
        (Some(c), _) => (ParticipantKind::Cluster, c.name.clone(), c.country.clone()),
        (None, Some((name, country))) => (ParticipantKind::Business, name.to_owned(), country.to_owned()),
        (None, None) => return Err(AppError::internal("a demo participant without a name")),
    };
    event_participant::Entity::insert(event_participant::ActiveModel {
        id: Set(id),
        event_id: Set(event.id),
        kind: Set(kind),
        cluster_id: Set(cluster.map(|c| c.id)),
        name: Set(name),
        country: Set(country),
        organisation_kind: Set(business.map(|_| MemberKind::Other)),
        description: Set(business
            .map(|_| "Demo data: an invented Taiwanese association; the article names only 14 of the 17.".to_owned())),
        website: Set(None),
        offers: Set(None),
        seeks: Set(None),
        max_meetings: Set(MAX_MEETINGS),
        status: Set(ParticipantStatus::Approved),
        review_note: Set(None),
        version: Set(2),
        created_at: Set(event.created_at),
        updated_at: Set(event.created_at),
    })
    .exec(db)
    .await?;
    participant_available_slot::Entity::insert_many((0..slots).map(|slot| participant_available_slot::ActiveModel {
        participant_id: Set(id),
        slot: Set(slot),
    }))
    .exec(db)
    .await?;
    Ok(Side { id, kind })
}

/// A held meeting at `(slot, table)`, with what came of it.
async fn held(
    db: &DatabaseTransaction,
    event: &matchmaking_event::Model,
    (from, to): (&Side, &Side),
    (slot, table): (i32, i32),
    outcome: Option<(MeetingOutcomeKind, &str, NaiveDate)>,
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    let kind = if from.kind == to.kind {
        MeetingKind::C2c
    } else {
        MeetingKind::C2b
    };
    meeting::Entity::insert(meeting::ActiveModel {
        id: Set(id),
        event_id: Set(event.id),
        from_participant_id: Set(from.id),
        to_participant_id: Set(to.id),
        kind: Set(kind),
        state: Set(MeetingState::Accepted),
        message: Set(None),
        reason: Set(None),
        live_pair: Set(Some(live_pair(from.id, to.id))),
        slot: Set(Some(slot)),
        table_number: Set(Some(table)),
        pinned: Set(false),
        sequence: Set(0),
        version: Set(3),
        created_at: Set(event.created_at),
        updated_at: Set(event.created_at),
    })
    .exec(db)
    .await?;
    if let Some((kind, note, day)) = outcome {
        let recorded = at(day, 10)?;
        meeting_outcome::Entity::insert(meeting_outcome::ActiveModel {
            id: Set(Uuid::now_v7()),
            meeting_id: Set(id),
            event_id: Set(event.id),
            kind: Set(kind),
            note: Set(Some(note.to_owned())),
            date: Set(day),
            recorded_by: Set(None),
            version: Set(1),
            created_at: Set(recorded),
            updated_at: Set(recorded),
        })
        .exec(db)
        .await?;
    }
    Ok(id)
}

async fn clusters_by_slug(
    db: &DatabaseTransaction,
    written: &Written,
    slugs: &[&str],
) -> AppResult<Vec<cluster::Model>> {
    let mut out = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let id = written.id(slug)?;
        let found = cluster::Entity::find()
            .filter(cluster::Column::Id.eq(id))
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal(format!("demo cluster {slug} was not written")))?;
        out.push(found);
    }
    Ok(out)
}

fn new_event(
    name: &str,
    description: &str,
    venue: Option<&str>,
    time_zone: &str,
    session: events::Session,
    (slot_minutes, tables): (i32, i32),
    countries: &[&str],
) -> AppResult<events::NewEvent> {
    let deadline = at(session.day, 0)?;
    Ok(events::NewEvent {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        venue: venue.map(str::to_owned),
        online_url: None,
        time_zone: time_zone.to_owned(),
        sessions: vec![session],
        slot_minutes,
        table_count: tables,
        registration_deadline: deadline - chrono::Duration::days(10),
        request_deadline: deadline - chrono::Duration::days(3),
        allowed_meeting_kinds: vec![MeetingKind::C2c, MeetingKind::C2b],
        countries: countries.iter().map(|c| c.to_string()).collect(),
        organiser_ids: vec![],
    })
}

/// Writes both events; returns what the CASTRA story links to.
pub(super) async fn insert(db: &DatabaseTransaction, clusters: &Written) -> AppResult<Castra2016> {
    taipei_2018(db, clusters).await?;
    eccp_2016(db, clusters).await
}

async fn taipei_2018(db: &DatabaseTransaction, clusters: &Written) -> AppResult<()> {
    let day = date(2018, 6, 5)?;
    let session = events::Session {
        day,
        start_minute: 14 * 60,
        end_minute: 17 * 60 + 20,
    };
    let new = new_event(
        "Taiwan–EU Cluster Cooperation Matchmaking 2018",
        "The matchmaking session of the Taiwan-EU Cluster Cooperation Seminar, co-organised by CNFI and \
         ECCP during the 2018 EU Innovation Week: one-to-one meetings between 17 European clusters and 17 \
         Taiwanese associations. Who met whom, the tables and the outcomes are demo data.",
        Some("Taipei"),
        "Asia/Taipei",
        session,
        (SLOT_MINUTES, TABLES),
        &["TW"],
    )?;
    let slots = ((session.end_minute - session.start_minute) / SLOT_MINUTES) as u32;
    let event = event(db, &new, MatchmakingEventStatus::Finished).await?;
    let mut eu = Vec::new();
    for c in clusters_by_slug(db, clusters, &EU).await? {
        eu.push(participant(db, &event, Some(&c), None, slots as i32).await?);
    }
    let mut tw = Vec::new();
    for c in clusters_by_slug(db, clusters, &TW).await? {
        tw.push(participant(db, &event, Some(&c), None, slots as i32).await?);
    }
    for name in TW_DEMO {
        tw.push(participant(db, &event, None, Some((name, "TW")), slots as i32).await?);
    }
    let mut pairs: Vec<(&Side, &Side)> = Vec::new();
    for (i, from) in eu.iter().enumerate() {
        for offset in TW_OFFSETS {
            pairs.push((from, &tw[(i + offset) % tw.len()]));
        }
    }
    for k in 0..EU_PAIRS {
        pairs.push((&eu[2 * k], &eu[2 * k + 1]));
    }
    let instance = scheduler::Instance {
        slot_count: slots,
        table_count: TABLES as u32,
        participants: eu
            .iter()
            .chain(&tw)
            .map(|p| scheduler::Participant {
                id: p.id.to_string(),
                available_slots: (0..slots).collect(),
                max_meetings: MAX_MEETINGS as u32,
            })
            .collect(),
        meetings: pairs
            .iter()
            .enumerate()
            .map(|(n, (a, b))| scheduler::Meeting {
                id: n.to_string(),
                between: [a.id.to_string(), b.id.to_string()],
                pinned: None,
                previous: None,
            })
            .collect(),
    };
    let schedule = scheduler::schedule(&instance).map_err(|e| AppError::internal(format!("demo schedule: {e}")))?;
    if !schedule.unplaced.is_empty() {
        return Err(AppError::internal("the demo schedule left meetings unplaced"));
    }
    const OUTCOMES: [(MeetingOutcomeKind, &str); 5] = [
        (
            MeetingOutcomeKind::FollowUp,
            "Agreed to exchange member lists and meet again online.",
        ),
        (
            MeetingOutcomeKind::LetterOfInterest,
            "Letter of interest for a joint Horizon Europe proposal.",
        ),
        (
            MeetingOutcomeKind::FollowUp,
            "A delegation visit planned for the autumn.",
        ),
        (
            MeetingOutcomeKind::Mou,
            "Memorandum of understanding on exchange visits and joint meetings.",
        ),
        (MeetingOutcomeKind::None, "No common ground for now."),
    ];
    for placed in &schedule.placed {
        let n: usize = placed
            .meeting
            .parse()
            .map_err(|_| AppError::internal("a demo meeting without its number"))?;
        // Every sixth meeting tells what came of it, some weeks later.
        let outcome = n.is_multiple_of(6).then(|| {
            let (kind, note) = OUTCOMES[(n / 6) % OUTCOMES.len()];
            (kind, note, day + chrono::Duration::days(14 + n as i64))
        });
        held(db, &event, pairs[n], (placed.slot as i32, placed.table as i32), outcome).await?;
    }
    Ok(())
}

async fn eccp_2016(db: &DatabaseTransaction, clusters: &Written) -> AppResult<Castra2016> {
    let session = events::Session {
        day: date(2016, 10, 12)?,
        start_minute: 10 * 60,
        end_minute: 12 * 60,
    };
    let new = new_event(
        "ECCP Cluster Matchmaking 2016",
        "The ECCP matchmaking event where CASTRA met Taiwan's system-integration cluster (System Integration \
         Promotion Office). Demo data: the article gives only the year; date, place and times are invented.",
        None,
        "Europe/Brussels",
        session,
        (30, 10),
        &["FR", "TW"],
    )?;
    let event = event(db, &new, MatchmakingEventStatus::Finished).await?;
    let found = clusters_by_slug(db, clusters, &["castra", "system-integration-tw"]).await?;
    let castra = participant(db, &event, Some(&found[0]), None, 4).await?;
    let integration = participant(db, &event, Some(&found[1]), None, 4).await?;
    let meeting = held(
        db,
        &event,
        (&castra, &integration),
        (0, 0),
        Some((
            MeetingOutcomeKind::JointProject,
            "Co-investment and co-development of high-tech products; a long-term joint project is planned.",
            date(2018, 6, 5)?,
        )),
    )
    .await?;
    Ok(Castra2016 {
        event: event.id,
        meeting,
    })
}
