//! Meeting outcomes, event statistics and clusters' matchmaking records (issue 15 points 8–9):
//! outcomes only after the event and only for held meetings, by either side; statistics of a
//! crafted event to the exact number; records of a page of clusters in one statement; and the
//! demo event of 5 June 2018 as the article tells it. The helpers and the rules of outcomes are
//! here; statistics and records in `statistics.rs`, the demo events in `demo.rs`.

mod demo;
mod statistics;

use serde_json::{json, Value};

use crate::{
    matchmaking::{
        approved_cluster, change_status, event_input, manager_of, meeting_mutation, open_event, partner_tw, REQUEST,
    },
    support::{Reply, TestApp},
};

pub(super) const RECORD: &str = r#"mutation($input: RecordMeetingOutcomeInput!) { recordMeetingOutcome(input: $input) {
    outcome { kind note date version meeting { id } } } }"#;

pub(super) fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

/// An OPEN event named `name` (so SQL can find it) in Taipei, C2C and C2B.
pub(super) fn named_event(app: &TestApp, name: &str) -> String {
    let mut input = event_input();
    input["name"] = json!(name);
    open_event(app, input).0
}

/// What the API cannot do yet on this branch: the scheduler's SCHEDULED, and an event in the
/// past. The event moves to SCHEDULED behind the server's back, its session ten days ago; then
/// the organiser finishes it through the API.
pub(super) fn finish(app: &TestApp, event: &str, name: &str) {
    app.sql(&format!(
        "UPDATE matchmaking_event SET status = 'SCHEDULED' WHERE name = '{name}';
         UPDATE matchmaking_session SET day = '{}' WHERE event_id IN (SELECT id FROM matchmaking_event WHERE name = '{name}')",
        day(-10)
    ));
    let read = app.post(
        Some(&partner_tw()),
        "query($id: ID!) { matchmakingEvent(id: $id) { version } }",
        json!({ "id": event }),
    );
    let version = read.data()["matchmakingEvent"]["version"].clone();
    let finished = app.post(
        Some(&partner_tw()),
        &change_status("finishMatchmakingEvent"),
        json!({ "input": { "id": event, "version": version } }),
    );
    assert_eq!(
        finished.data()["finishMatchmakingEvent"]["matchmakingEvent"]["status"],
        "FINISHED"
    );
}

/// `from` asks `to`; `to`'s token answers with `answer` (`acceptMeeting` …) unless None.
pub(super) fn meeting(app: &TestApp, event: &str, from: &Side, to: &Side, answer: Option<&str>) -> String {
    let (from, from_token) = (from.0.as_str(), from.1.as_str());
    let to = (to.0.as_str(), to.1.as_str());
    let asked = app.post(
        Some(from_token),
        REQUEST,
        json!({ "input": { "eventId": event, "fromParticipantId": from, "toParticipantId": to.0 } }),
    );
    let id = asked.data()["requestMeeting"]["meeting"]["id"]
        .as_str()
        .expect("meeting ID")
        .to_owned();
    if let Some(field) = answer {
        let (input, token) = match field {
            "acceptMeeting" => ("AcceptMeetingInput", to.1),
            "declineMeeting" => ("EndMeetingInput", to.1),
            _ => ("EndMeetingInput", from_token),
        };
        let reply = app.post(
            Some(token),
            &meeting_mutation(field, input),
            json!({ "input": { "id": id } }),
        );
        reply.data();
    }
    id
}

pub(super) fn pin(app: &TestApp, meeting: &str, slot: i64) {
    let pinned = app.post(
        Some(&partner_tw()),
        &meeting_mutation("pinMeeting", "PinMeetingInput"),
        json!({ "input": { "id": meeting, "slot": slot, "tableNumber": 0 } }),
    );
    assert_eq!(pinned.data()["pinMeeting"]["meeting"]["slot"], slot);
}

pub(super) fn record(app: &TestApp, token: &str, meeting: &str, kind: &str, extra: Value) -> Reply {
    let mut input =
        json!({ "meetingId": meeting, "kind": kind, "note": "Joint R&D on avionics boards.", "date": day(-5) });
    if let Value::Object(extra) = extra {
        for (k, v) in extra {
            input[k] = v;
        }
    }
    app.post(Some(token), RECORD, json!({ "input": input }))
}

/// A participant's ID and the token of one who acts for it.
pub(super) type Side = (String, String);

/// A participant for a demo cluster and the token of its manager.
pub(super) fn cluster(app: &TestApp, event: &str, slug: &str) -> Side {
    let id = approved_cluster(app, event, slug, json!([0, 1, 2, 3, 4]), 6, json!(["DIGITAL"]));
    (id, manager_of(&crate::matchmaking::cluster_id(app, slug)))
}

#[test]
fn outcomes_are_recorded_after_the_event_for_held_meetings_by_either_side() {
    let app = TestApp::spawn();
    let name = "Outcome Rules Matchmaking";
    let event = named_event(&app, name);
    let tpca = cluster(&app, &event, "tpca");
    let taia = cluster(&app, &event, "taia");
    let castra = cluster(&app, &event, "castra");
    let held = meeting(&app, &event, &tpca, &taia, Some("acceptMeeting"));
    pin(&app, &held, 0);
    let unscheduled = meeting(&app, &event, &castra, &tpca, Some("acceptMeeting"));
    let declined = meeting(&app, &event, &taia, &castra, Some("declineMeeting"));

    // Before the event is over, nobody records anything.
    assert_eq!(
        record(&app, &taia.1, &held, "MOU", json!({})).code(),
        "EVENT_NOT_FINISHED"
    );
    finish(&app, &event, name);

    // Only meetings that took place; only their sides and the organisers; no stranger.
    assert_eq!(
        record(&app, &tpca.1, &unscheduled, "MOU", json!({})).code(),
        "MEETING_NOT_HELD"
    );
    assert_eq!(
        record(&app, &taia.1, &declined, "NONE", json!({})).code(),
        "MEETING_NOT_HELD"
    );
    assert_eq!(record(&app, &castra.1, &held, "MOU", json!({})).code(), "FORBIDDEN");
    assert_eq!(
        app.query(
            RECORD,
            json!({ "input": { "meetingId": held, "kind": "MOU", "date": day(-5) } })
        )
        .code(),
        "UNAUTHENTICATED"
    );

    // The note and the date are checked: at most 2,000 characters, between the event and today.
    let long = "x".repeat(2_001);
    assert_eq!(
        record(&app, &taia.1, &held, "MOU", json!({ "note": long })).bad_fields(),
        ["note"]
    );
    assert_eq!(
        record(&app, &taia.1, &held, "MOU", json!({ "date": day(3) })).bad_fields(),
        ["date"]
    );
    assert_eq!(
        record(&app, &taia.1, &held, "MOU", json!({ "date": day(-20) })).bad_fields(),
        ["date"]
    );

    // The invited side records it; the requester changes it at its version.
    // Sent twice with one Idempotency-Key (a retry after a lost answer), it is recorded once.
    let body = json!({ "query": RECORD, "variables": { "input": {
        "meetingId": held, "kind": "LETTER_OF_INTEREST", "note": "Joint R&D on avionics boards.", "date": day(-5) } } })
    .to_string();
    let send = || {
        let mut response = app
            .agent()
            .post(format!("{}/graphql", app.base))
            .header("Authorization", format!("Bearer {}", taia.1))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "outcome-tpca-taia-1")
            .send(body.clone())
            .expect("request");
        let replayed = response.headers().get("idempotent-replayed").is_some();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (serde_json::from_str::<Value>(&text).unwrap_or(Value::Null), replayed)
    };
    let (first, _) = send();
    let (replay, replayed) = send();
    assert!(replayed, "{replay}");
    assert_eq!(first["data"], replay["data"]);
    let outcome = &first["data"]["recordMeetingOutcome"]["outcome"];
    assert_eq!(outcome["kind"], "LETTER_OF_INTEREST");
    assert_eq!(outcome["version"], 1);
    assert_eq!(outcome["date"], day(-5));
    assert_eq!(outcome["meeting"]["id"], held.as_str());
    assert_eq!(
        record(&app, &tpca.1, &held, "MOU", json!({})).code(),
        "CONFLICT",
        "a second first outcome"
    );
    let changed = record(
        &app,
        &tpca.1,
        &held,
        "MOU",
        json!({ "version": 1, "note": "MoU signed in Taipei." }),
    );
    let outcome = &changed.data()["recordMeetingOutcome"]["outcome"];
    assert_eq!(
        (outcome["kind"].clone(), outcome["version"].clone()),
        (json!("MOU"), json!(2))
    );
    assert_eq!(
        record(&app, &taia.1, &held, "JOINT_PROJECT", json!({ "version": 1 })).code(),
        "CONFLICT",
        "a stale version"
    );
    // The organiser may correct it too.
    let organiser = record(
        &app,
        &partner_tw(),
        &held,
        "JOINT_PROJECT",
        json!({ "version": 2, "note": "MoU signed in Taipei." }),
    );
    assert_eq!(organiser.data()["recordMeetingOutcome"]["outcome"]["version"], 3);

    // The meeting shows it to those who see the meeting; the audit log has every change.
    let read = r#"query($id: ID!) { node(id: $id) { ... on Meeting { outcome { kind note version } } } }"#;
    let seen = app.post(Some(&taia.1), read, json!({ "id": held }));
    assert_eq!(
        seen.data()["node"]["outcome"],
        json!({ "kind": "JOINT_PROJECT", "note": "MoU signed in Taipei.", "version": 3 })
    );
    assert_eq!(app.query(read, json!({ "id": held })).data()["node"], Value::Null);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'RECORD_OUTCOME'"),
        3
    );

    // A success story names the meeting it began at, one its clusters held, and so its event.
    let story = r#"mutation($input: CreateSuccessStoryInput!) { createSuccessStory(input: $input) {
        successStory { id version matchmakingEvent { id } meeting { id outcome { kind } } } } }"#;
    let tpca_cluster = crate::matchmaking::cluster_id(&app, "tpca");
    let input = |meeting: &str| {
        json!({ "input": { "title": "TPCA and TAIA build avionics boards together", "summary": "They met in Taipei.",
                           "outcome": "JOINT_R_AND_D", "clusterIds": [tpca_cluster], "meetingId": meeting } })
    };
    assert_eq!(
        app.post(Some(&tpca.1), story, input(&declined)).bad_fields(),
        ["meetingId"],
        "a meeting none of the story's clusters held"
    );
    let told = app.post(Some(&tpca.1), story, input(&held));
    let told = &told.data()["createSuccessStory"]["successStory"];
    assert_eq!(told["matchmakingEvent"]["id"], event.as_str());
    assert_eq!(told["meeting"]["outcome"]["kind"], "JOINT_PROJECT");
    let update = r#"mutation($input: UpdateSuccessStoryInput!) { updateSuccessStory(input: $input) {
        successStory { matchmakingEvent { id } meeting { id } } } }"#;
    let cleared = app.post(
        Some(&tpca.1),
        update,
        json!({ "input": { "id": told["id"], "version": told["version"], "meetingId": null } }),
    );
    let cleared = &cleared.data()["updateSuccessStory"]["successStory"];
    assert_eq!(cleared["meeting"], Value::Null);
    assert_eq!(
        cleared["matchmakingEvent"]["id"],
        event.as_str(),
        "the event stays named"
    );
}
