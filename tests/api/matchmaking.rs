//! Matchmaking events (issue 15): events and their status, participants and their approval,
//! the meeting-request state machine with every refusal, and suggestions.

use clusterbridge::auth::Role;
use serde_json::{json, Value};

use crate::support::TestApp;

/// A day `days` from today, as the API writes dates.
fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

/// A moment `days` from now, in RFC 3339.
fn at_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

pub const CREATE_EVENT: &str = r#"mutation($input: CreateMatchmakingEventInput!) { createMatchmakingEvent(input: $input) {
    matchmakingEvent { id name status version timeZone slotCount slots { number startsAt endsAt }
      sessions { date startTime endTime } allowedMeetingKinds countries tableCount } } }"#;

/// An event in Taipei 30 days ahead: one afternoon session of 14:00–17:00 in 20-minute slots
/// (9 slots), 40 tables, C2C and C2B.
pub fn event_input() -> Value {
    json!({
        "name": "Taiwan–EU Cluster Matchmaking",
        "description": "One-to-one meetings between European clusters and Taiwanese associations.",
        "venue": "Taipei International Convention Center",
        "timeZone": "Asia/Taipei",
        "sessions": [{ "date": in_days(30), "startTime": "14:00", "endTime": "17:00" }],
        "slotMinutes": 20,
        "tableCount": 40,
        "registrationDeadline": at_days(20),
        "requestDeadline": at_days(25),
        "allowedMeetingKinds": ["C2C", "C2B"],
        "countries": ["TW"],
    })
}

pub fn partner_tw() -> String {
    TestApp::scoped_token(Role::Partner, &["TW"], &[], &[])
}

/// The mutation `field` (`openMatchmakingEvent` …) on `ChangeMatchmakingEventStatusInput`.
pub fn change_status(field: &str) -> String {
    format!(
        "mutation($input: ChangeMatchmakingEventStatusInput!) {{ {field}(input: $input) {{ matchmakingEvent {{ id status version }} }} }}"
    )
}

#[test]
fn events_are_validated_organised_and_moved_through_their_status() {
    let app = TestApp::spawn();
    let partner = partner_tw();
    let partner_de = TestApp::scoped_token(Role::Partner, &["DE"], &[], &[]);

    // Every bad field is named at once.
    let mut bad = event_input();
    bad["timeZone"] = json!("Asia/Taipeh");
    bad["slotMinutes"] = json!(2);
    bad["tableCount"] = json!(0);
    bad["onlineUrl"] = json!("ftp://meet.example.tw");
    bad["requestDeadline"] = json!(at_days(40));
    bad["sessions"] = json!([
        { "date": in_days(30), "startTime": "14:00", "endTime": "17:00" },
        { "date": in_days(30), "startTime": "16:00", "endTime": "18:00" },
        { "date": in_days(31), "startTime": "12:00", "endTime": "11:00" },
    ]);
    bad["allowedMeetingKinds"] = json!([]);
    let refused = app.post(Some(&partner), CREATE_EVENT, json!({ "input": bad }));
    assert_eq!(refused.code(), "BAD_USER_INPUT", "{}", refused.body);
    let mut fields = refused.bad_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "allowedMeetingKinds",
            "onlineUrl",
            "sessions[1]",
            "sessions[2]",
            "slotMinutes",
            "tableCount",
            "timeZone"
        ]
    );
    let mut late = event_input();
    late["requestDeadline"] = json!(at_days(40));
    late["registrationDeadline"] = json!(at_days(35));
    let fields = app
        .post(Some(&partner), CREATE_EVENT, json!({ "input": late }))
        .bad_fields();
    assert_eq!(fields, ["requestDeadline", "registrationDeadline"]);

    // A partner creates events in its own countries only; anonymous callers none.
    assert_eq!(
        app.post(Some(&partner_de), CREATE_EVENT, json!({ "input": event_input() }))
            .code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.query(CREATE_EVENT, json!({ "input": event_input() })).code(),
        "UNAUTHENTICATED"
    );
    let created = app.post(Some(&partner), CREATE_EVENT, json!({ "input": event_input() }));
    let event = created.data()["createMatchmakingEvent"]["matchmakingEvent"].clone();
    assert_eq!(event["status"], "DRAFT");
    assert_eq!(event["slotCount"], 9);
    assert_eq!(event["allowedMeetingKinds"], json!(["C2C", "C2B"]));
    // 14:00 in Taipei is 06:00 UTC.
    let first = event["slots"][0]["startsAt"].as_str().expect("a slot");
    assert!(first.contains("T06:00:00"), "{first}");
    assert_eq!(event["slots"][8]["number"], 8);
    let id = event["id"].as_str().expect("ID").to_owned();

    // A draft is for its organisers.
    let read = r#"query($id: ID!) { matchmakingEvent(id: $id) { id status } node(id: $id) { id } }"#;
    let anonymous = app.query(read, json!({ "id": id }));
    assert_eq!(anonymous.data()["matchmakingEvent"], Value::Null);
    assert_eq!(anonymous.data()["node"], Value::Null);
    assert_eq!(
        app.post(Some(&partner_de), read, json!({ "id": id })).data()["matchmakingEvent"],
        Value::Null
    );
    assert_eq!(
        app.post(Some(&partner), read, json!({ "id": id })).data()["node"]["id"],
        id.as_str()
    );

    // Only organisers change it; a stale version is a conflict.
    let update = r#"mutation($input: UpdateMatchmakingEventInput!) { updateMatchmakingEvent(input: $input) {
        matchmakingEvent { version tableCount sessions { startTime } } } }"#;
    let change = json!({ "input": { "id": id, "version": 1, "tableCount": 60,
                                     "sessions": [{ "date": in_days(30), "startTime": "13:30", "endTime": "17:00" }] } });
    assert_eq!(app.post(Some(&partner_de), update, change.clone()).code(), "FORBIDDEN");
    let updated = app.post(Some(&partner), update, change.clone());
    assert_eq!(
        updated.data()["updateMatchmakingEvent"]["matchmakingEvent"]["tableCount"],
        60
    );
    assert_eq!(app.post(Some(&partner), update, change).code(), "CONFLICT");

    // DRAFT → OPEN; the slots are fixed from then on.
    let status = |field: &str, version: i64| {
        app.post(
            Some(&partner),
            &change_status(field),
            json!({ "input": { "id": id, "version": version } }),
        )
    };
    assert_eq!(status("closeMatchmakingEvent", 2).code(), "TRANSITION_NOT_ALLOWED");
    assert_eq!(status("finishMatchmakingEvent", 2).code(), "TRANSITION_NOT_ALLOWED");
    let opened = status("openMatchmakingEvent", 2);
    assert_eq!(
        opened.data()["openMatchmakingEvent"]["matchmakingEvent"]["status"],
        "OPEN"
    );
    assert_eq!(status("openMatchmakingEvent", 3).code(), "TRANSITION_NOT_ALLOWED");
    let moved = app.post(
        Some(&partner),
        update,
        json!({ "input": { "id": id, "version": 3, "slotMinutes": 30 } }),
    );
    assert_eq!(moved.code(), "CONFLICT");
    assert_eq!(anonymous_status(&app, &id), "OPEN");

    // Lists filter by status, country and dates.
    let list = r#"query($f: MatchmakingEventFilter) { matchmakingEvents(filter: $f) { totalCount nodes { id } } }"#;
    let count =
        |filter: Value| app.query(list, json!({ "f": filter })).data()["matchmakingEvents"]["totalCount"].clone();
    assert_eq!(count(json!({ "statuses": ["OPEN"], "countries": ["tw"] })), 1);
    assert_eq!(count(json!({ "countries": ["DE"] })), 0);
    assert_eq!(count(json!({ "from": in_days(29), "to": in_days(30) })), 1);
    assert_eq!(count(json!({ "from": in_days(31) })), 0);
    assert_eq!(
        app.query(list, json!({ "f": { "from": in_days(31), "to": in_days(30) } }))
            .bad_fields(),
        ["filter.to"]
    );

    // OPEN → CLOSED → CANCELLED; nothing after that.
    assert_eq!(
        status("closeMatchmakingEvent", 3).data()["closeMatchmakingEvent"]["matchmakingEvent"]["status"],
        "CLOSED"
    );
    assert_eq!(status("openMatchmakingEvent", 4).code(), "TRANSITION_NOT_ALLOWED");
    assert_eq!(
        status("cancelMatchmakingEvent", 4).data()["cancelMatchmakingEvent"]["matchmakingEvent"]["status"],
        "CANCELLED"
    );
    assert_eq!(status("cancelMatchmakingEvent", 5).code(), "TRANSITION_NOT_ALLOWED");
    assert_eq!(status("finishMatchmakingEvent", 5).code(), "TRANSITION_NOT_ALLOWED");

    // Each write left one audit entry.
    let audit = app.as_admin(
        r#"query($id: ID!) { auditLog(filter: {entityId: $id}) { nodes { action } } }"#,
        json!({ "id": id }),
    );
    let mut actions: Vec<String> = audit.data()["auditLog"]["nodes"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|n| n["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    actions.sort();
    assert_eq!(actions, ["CANCEL", "CLOSE", "CREATE", "OPEN", "UPDATE"]);
}

fn anonymous_status(app: &TestApp, id: &str) -> String {
    app.query(
        r#"query($id: ID!) { matchmakingEvent(id: $id) { status } }"#,
        json!({ "id": id }),
    )
    .data()["matchmakingEvent"]["status"]
        .as_str()
        .unwrap_or("hidden")
        .to_owned()
}
