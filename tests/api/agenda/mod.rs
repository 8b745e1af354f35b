//! `scheduleEvent` and agendas through the API (issue 15, points 5 and 6): a real event
//! scheduled and rescheduled (`scheduling`), and the agendas it yields, as a query and as
//! iCalendar over HTTP parsed back with a second parser (`calendar`). This file holds the event
//! both start from.

mod calendar;
mod scheduling;

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};

use crate::{
    matchmaking::{
        approved_business, approved_cluster, change_status, cluster_id, event_input, manager_of, meeting_mutation,
        open_event, partner_tw, REQUEST,
    },
    support::TestApp,
};

pub const SCHEDULE: &str = r#"mutation($input: ScheduleEventInput!) { scheduleEvent(input: $input) {
    matchmakingEvent { id status version }
    schedule { meetings placed upperBound shareOfBound participantsShort meanIdleSlots moved
               unplaced { meeting { id } reason } } } }"#;

const MEETINGS: &str = r#"query($id: ID!) { matchmakingEvent(id: $id) {
    tableCount slots { number startsAt }
    meetings(first: 100, filter: {states: [ACCEPTED]}) { nodes { id slot tableNumber sequence version
      fromParticipant { id availableSlots } toParticipant { id availableSlots } } } } }"#;

/// A CLOSED event in Taipei with 2 tables, five demo clusters and a business, and seven
/// accepted meetings between them (none of TAMI's).
pub struct Event {
    pub id: String,
    pub version: i64,
    /// Participant IDs by slug (and `rhein` for the business).
    pub participants: HashMap<&'static str, String>,
    /// Tokens that act for each participant.
    pub tokens: HashMap<&'static str, String>,
}

impl Event {
    pub fn participant(&self, name: &str) -> &str {
        &self.participants[name]
    }
}

pub fn closed_event(app: &TestApp) -> Event {
    let mut input = event_input();
    input["tableCount"] = json!(2);
    let (id, _) = open_event(app, input);
    let mut participants = HashMap::new();
    let mut tokens = HashMap::new();
    for (slug, slots) in [
        ("tpca", json!([0, 1, 2, 3])),
        ("taia", json!([0, 1, 2, 3, 4, 5])),
        ("castra", json!([2, 3, 4, 5, 6])),
        ("teema", json!([0, 1, 4, 5])),
        // Late-comers: they share no slot with TPCA.
        ("tami", json!([7, 8])),
    ] {
        participants.insert(slug, approved_cluster(app, &id, slug, slots, 5, json!(["ELECTRONICS"])));
        tokens.insert(slug, manager_of(&cluster_id(app, slug)));
    }
    let (rhein, rhein_token) =
        approved_business(app, &id, "Rhein Assembly GmbH", "DE", "buyer@rhein-agenda.example.de");
    participants.insert("rhein", rhein);
    tokens.insert("rhein", rhein_token);
    let pairs = [
        ("tpca", "taia"),
        ("tpca", "castra"),
        ("taia", "castra"),
        ("castra", "teema"),
        ("taia", "teema"),
        ("rhein", "tpca"),
        ("rhein", "taia"),
    ];
    for (from, to) in pairs {
        let asked = app.post(
            Some(&tokens[from]),
            REQUEST,
            json!({ "input": { "eventId": id, "fromParticipantId": participants[from], "toParticipantId": participants[to] } }),
        );
        let meeting = asked.data()["requestMeeting"]["meeting"]["id"]
            .as_str()
            .expect("meeting ID")
            .to_owned();
        let accepted = app.post(
            Some(&tokens[to]),
            &meeting_mutation("acceptMeeting", "AcceptMeetingInput"),
            json!({ "input": { "id": meeting } }),
        );
        assert_eq!(accepted.data()["acceptMeeting"]["meeting"]["state"], "ACCEPTED");
    }
    let version = read_version(app, &id);
    // Scheduling is for a CLOSED event.
    let early = app.post(
        Some(&partner_tw()),
        SCHEDULE,
        json!({ "input": { "eventId": id, "version": version } }),
    );
    assert_eq!(early.code(), "TRANSITION_NOT_ALLOWED", "{}", early.body);
    let closed = app.post(
        Some(&partner_tw()),
        &change_status("closeMatchmakingEvent"),
        json!({ "input": { "id": id, "version": version } }),
    );
    let version = closed.data()["closeMatchmakingEvent"]["matchmakingEvent"]["version"]
        .as_i64()
        .expect("version");
    Event {
        id,
        version,
        participants,
        tokens,
    }
}

fn read_version(app: &TestApp, event: &str) -> i64 {
    app.post(
        Some(&partner_tw()),
        r#"query($id: ID!) { matchmakingEvent(id: $id) { version } }"#,
        json!({ "id": event }),
    )
    .data()["matchmakingEvent"]["version"]
        .as_i64()
        .expect("version")
}

pub fn schedule(app: &TestApp, event: &str, version: i64) -> Value {
    let reply = app.post(
        Some(&partner_tw()),
        SCHEDULE,
        json!({ "input": { "eventId": event, "version": version } }),
    );
    reply.data()["scheduleEvent"].clone()
}

/// Every accepted meeting, as the organisers see it: id → (slot, table, sequence).
pub fn placements(app: &TestApp, event: &str) -> HashMap<String, (Value, Value, i64)> {
    let reply = app.post(Some(&partner_tw()), MEETINGS, json!({ "id": event }));
    let data = &reply.data()["matchmakingEvent"];
    let tables = data["tableCount"].as_i64().expect("tables");
    let mut busy = HashSet::new();
    let mut seats = HashSet::new();
    let mut out = HashMap::new();
    for m in data["meetings"]["nodes"].as_array().expect("meetings") {
        let id = m["id"].as_str().expect("ID").to_owned();
        if let (Some(slot), Some(table)) = (m["slot"].as_i64(), m["tableNumber"].as_i64()) {
            assert!((0..tables).contains(&table), "table {table} of {tables}");
            assert!(
                seats.insert((slot, table)),
                "two meetings at table {table} in slot {slot}"
            );
            for side in ["fromParticipant", "toParticipant"] {
                let who = m[side]["id"].as_str().expect("side").to_owned();
                let available = m[side]["availableSlots"].as_array().expect("slots");
                assert!(
                    available.contains(&json!(slot)),
                    "{who} is not available in slot {slot}"
                );
                assert!(
                    busy.insert((who.clone(), slot)),
                    "{who} has two meetings in slot {slot}"
                );
            }
        }
        out.insert(
            id,
            (
                m["slot"].clone(),
                m["tableNumber"].clone(),
                m["sequence"].as_i64().expect("sequence"),
            ),
        );
    }
    out
}
