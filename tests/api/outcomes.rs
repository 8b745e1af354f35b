//! Meeting outcomes, event statistics and clusters' matchmaking records (issue 15 points 8–9):
//! outcomes only after the event and only for held meetings, by either side; statistics of a
//! crafted event to the exact number; records of a page of clusters in one statement; and the
//! demo event of 5 June 2018 as the article tells it.

use serde_json::{json, Value};

use crate::{
    matchmaking::{
        approved_business, approved_cluster, change_status, event_input, manager_of, meeting_mutation, open_event,
        partner_tw, REQUEST,
    },
    support::{Reply, TestApp},
};

const RECORD: &str = r#"mutation($input: RecordMeetingOutcomeInput!) { recordMeetingOutcome(input: $input) {
    outcome { kind note date version meeting { id } } } }"#;

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

/// An OPEN event named `name` (so SQL can find it) in Taipei, C2C and C2B.
fn named_event(app: &TestApp, name: &str) -> String {
    let mut input = event_input();
    input["name"] = json!(name);
    open_event(app, input).0
}

/// What the API cannot do yet on this branch: the scheduler's SCHEDULED, and an event in the
/// past. The event moves to SCHEDULED behind the server's back, its session ten days ago; then
/// the organiser finishes it through the API.
fn finish(app: &TestApp, event: &str, name: &str) {
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
fn meeting(app: &TestApp, event: &str, from: &Side, to: &Side, answer: Option<&str>) -> String {
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

fn pin(app: &TestApp, meeting: &str, slot: i64) {
    let pinned = app.post(
        Some(&partner_tw()),
        &meeting_mutation("pinMeeting", "PinMeetingInput"),
        json!({ "input": { "id": meeting, "slot": slot, "tableNumber": 0 } }),
    );
    assert_eq!(pinned.data()["pinMeeting"]["meeting"]["slot"], slot);
}

fn record(app: &TestApp, token: &str, meeting: &str, kind: &str, extra: Value) -> Reply {
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
type Side = (String, String);

/// A participant for a demo cluster and the token of its manager.
fn cluster(app: &TestApp, event: &str, slug: &str) -> Side {
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
    let first = record(&app, &taia.1, &held, "LETTER_OF_INTEREST", json!({}));
    let outcome = &first.data()["recordMeetingOutcome"]["outcome"];
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

const STATISTICS: &str = r#"query($id: ID!) { eventStatistics(eventId: $id) {
    participantCount participantsByCountry { country count } participantsByKind { kind count }
    meetings { requested accepted declined cancelled scheduled held }
    meetingsByKind { kind count }
    meetingsPerParticipant { mean min max withAtLeastFour shareWithAtLeastFour }
    outcomesByKind { kind count } } }"#;

const RECORDS: &str = r#"query($first: Int!) { clusters(first: $first, orderBy: {field: NAME}) { nodes { slug
    matchmakingRecord { eventsAttended meetingsHeld outcomesByKind { kind count } } } } }"#;

/// Each cluster's record by slug, as the page of clusters shows it.
fn records(app: &TestApp) -> std::collections::HashMap<String, Value> {
    let reply = app.query(RECORDS, json!({ "first": 100 }));
    reply.data()["clusters"]["nodes"]
        .as_array()
        .expect("clusters")
        .iter()
        .map(|n| {
            (
                n["slug"].as_str().expect("slug").to_owned(),
                n["matchmakingRecord"].clone(),
            )
        })
        .collect()
}

/// A record's figure as a number, `outcome` naming an outcome kind instead of a field.
fn figure(record: &Value, field: &str) -> i64 {
    match record[field].as_i64() {
        Some(n) => n,
        None => record["outcomesByKind"]
            .as_array()
            .and_then(|kinds| kinds.iter().find(|k| k["kind"] == field))
            .and_then(|k| k["count"].as_i64())
            .unwrap_or_else(|| panic!("no {field} in {record}")),
    }
}

#[test]
fn statistics_of_a_crafted_event_and_the_records_of_its_clusters_are_exact() {
    let app = TestApp::spawn();
    let name = "Statistics Matchmaking";
    let event = named_event(&app, name);
    let tpca = cluster(&app, &event, "tpca");
    let taia = cluster(&app, &event, "taia");
    let castra = cluster(&app, &event, "castra");
    let saxony = cluster(&app, &event, "saxony-5g");
    let rhein = approved_business(
        &app,
        &event,
        "Rhein Assembly GmbH",
        "DE",
        "buyer@rhein-stats.example.de",
    );
    // A pending participant counts nowhere.
    let teema = crate::matchmaking::cluster_id(&app, "teema");
    app.post(
        Some(&manager_of(&teema)),
        crate::matchmaking::REGISTER,
        json!({ "input": { "eventId": event, "clusterId": teema, "availableSlots": [0], "maxMeetings": 3 } }),
    )
    .data();
    let accept = Some("acceptMeeting");
    let m1 = meeting(&app, &event, &tpca, &taia, accept);
    let m2 = meeting(&app, &event, &tpca, &castra, accept);
    let m3 = meeting(&app, &event, &castra, &taia, accept);
    let m4 = meeting(&app, &event, &rhein, &tpca, accept);
    let m9 = meeting(&app, &event, &tpca, &saxony, accept);
    meeting(&app, &event, &saxony, &castra, accept);
    meeting(&app, &event, &saxony, &taia, Some("declineMeeting"));
    meeting(&app, &event, &rhein, &taia, Some("cancelMeeting"));
    meeting(&app, &event, &rhein, &castra, None);
    for (slot, m) in [&m1, &m2, &m3, &m4, &m9].into_iter().enumerate() {
        pin(&app, m, slot as i64);
    }
    let before = records(&app);

    let stats = |token: Option<&str>| app.post(token, STATISTICS, json!({ "id": event }));
    let open = stats(None);
    let open = &open.data()["eventStatistics"];
    assert_eq!(open["participantCount"], 5);
    assert_eq!(
        open["participantsByCountry"],
        json!([{ "country": "DE", "count": 2 }, { "country": "FR", "count": 1 }, { "country": "TW", "count": 2 }])
    );
    assert_eq!(
        open["participantsByKind"],
        json!([{ "kind": "CLUSTER", "count": 4 }, { "kind": "BUSINESS", "count": 1 }])
    );
    assert_eq!(
        open["meetings"],
        json!({ "requested": 9, "accepted": 6, "declined": 1, "cancelled": 1, "scheduled": 5, "held": 0 })
    );
    assert_eq!(
        open["meetingsByKind"],
        json!([{ "kind": "C2C", "count": 5 }, { "kind": "C2B", "count": 1 }, { "kind": "B2B", "count": 0 }])
    );
    // Scheduled meetings: TPCA 4, TAIA 2, CASTRA 2, Saxony 1, Rhein 1.
    assert_eq!(
        open["meetingsPerParticipant"],
        json!({ "mean": 2.0, "min": 1, "max": 4, "withAtLeastFour": 1, "shareWithAtLeastFour": 0.2 })
    );

    finish(&app, &event, name);
    record(&app, &taia.1, &m1, "MOU", json!({})).data();
    record(&app, &castra.1, &m2, "FOLLOW_UP", json!({})).data();
    record(&app, &rhein.1, &m4, "NONE", json!({})).data();
    let over = stats(Some(&tpca.1));
    let over = &over.data()["eventStatistics"];
    assert_eq!(over["meetings"]["held"], 5);
    assert_eq!(
        over["outcomesByKind"],
        json!([{ "kind": "NONE", "count": 1 }, { "kind": "FOLLOW_UP", "count": 1 },
               { "kind": "LETTER_OF_INTEREST", "count": 0 }, { "kind": "MOU", "count": 1 },
               { "kind": "JOINT_PROJECT", "count": 0 }])
    );

    // Each cluster's record grew by this event: attended once, its held meetings, their outcomes.
    let after = records(&app);
    let grew = |slug: &str, field: &str| figure(&after[slug], field) - figure(&before[slug], field);
    let expected = [
        ("tpca", [1, 4, 1, 1, 1]),
        ("taia", [1, 2, 0, 0, 1]),
        ("castra", [1, 2, 0, 1, 0]),
        ("saxony-5g", [1, 1, 0, 0, 0]),
        ("teema", [0, 0, 0, 0, 0]),
    ];
    for (slug, figures) in expected {
        let fields = ["eventsAttended", "meetingsHeld", "NONE", "FOLLOW_UP", "MOU"];
        let actual: Vec<i64> = fields.iter().map(|f| grew(slug, f)).collect();
        assert_eq!(actual, figures, "{slug}: {fields:?}");
    }

    // A page of clusters reads every record in one statement: the page with records costs one
    // statement more than the page without, whatever its size.
    let without = r#"query($first: Int!) { clusters(first: $first, orderBy: {field: NAME}) { nodes { slug } } }"#;
    let statements = |query: &str, first: i64| {
        app.take_statement_count();
        app.query(query, json!({ "first": first })).data();
        app.take_statement_count()
    };
    statements(RECORDS, 1);
    for first in [3, 30] {
        assert_eq!(
            statements(RECORDS, first),
            statements(without, first) + 1,
            "records of {first} clusters"
        );
    }

    // Statistics are for those who may see the event: a draft's for its organisers only.
    let mut draft = event_input();
    draft["name"] = json!("Draft Statistics");
    let created = app.post(
        Some(&partner_tw()),
        crate::matchmaking::CREATE_EVENT,
        json!({ "input": draft }),
    );
    let draft = created.data()["createMatchmakingEvent"]["matchmakingEvent"]["id"].clone();
    assert_eq!(app.query(STATISTICS, json!({ "id": draft })).code(), "NOT_FOUND");
    let seen = app.post(Some(&partner_tw()), STATISTICS, json!({ "id": draft }));
    assert_eq!(seen.data()["eventStatistics"]["participantCount"], 0);
}

#[test]
fn the_demo_taipei_matchmaking_reproduces_the_article() {
    let app = TestApp::spawn();
    let events = app.query(
        r#"{ matchmakingEvents(filter: {statuses: [FINISHED], from: "2018-06-05", to: "2018-06-05"}) {
            nodes { id name timeZone countries slots { startsAt } } } }"#,
        json!({}),
    );
    let taipei = events.data()["matchmakingEvents"]["nodes"][0].clone();
    assert_eq!(taipei["timeZone"], "Asia/Taipei");
    // The afternoon of 5 June in Taipei: 14:00 there is 06:00 UTC.
    assert_eq!(taipei["slots"][0]["startsAt"], "2018-06-05T06:00:00+00:00");
    let id = taipei["id"].as_str().expect("the demo event").to_owned();

    // 34 participants, 17 from Taiwan and 17 from Europe; more than 70 meetings, all held;
    // more than 4 per participant on average.
    let stats = app.query(STATISTICS, json!({ "id": id }));
    let stats = &stats.data()["eventStatistics"];
    assert_eq!(stats["participantCount"], 34);
    let by_country = stats["participantsByCountry"].as_array().expect("countries");
    let taiwan: i64 = by_country
        .iter()
        .filter(|c| c["country"] == "TW")
        .map(|c| c["count"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(taiwan, 17);
    let meetings = &stats["meetings"];
    let accepted = meetings["accepted"].as_i64().expect("accepted");
    assert!(accepted > 70, "{meetings}");
    assert_eq!(meetings["scheduled"], accepted);
    assert_eq!(meetings["held"], accepted);
    let per = &stats["meetingsPerParticipant"];
    assert!(per["mean"].as_f64().expect("mean") > 4.0, "{per}");
    assert!(per["min"].as_i64().expect("min") >= 4, "{per}");
    assert_eq!(per["shareWithAtLeastFour"], 1.0);
    let outcomes: i64 = stats["outcomesByKind"]
        .as_array()
        .expect("outcomes")
        .iter()
        .map(|k| k["count"].as_i64().unwrap_or(0))
        .sum();
    assert!(outcomes > 0);

    // Nobody is in two meetings at once, no table holds two, and every slot exists.
    let read = app.as_admin(
        r#"query($id: ID!) { matchmakingEvent(id: $id) { slotCount tableCount meetings(first: 100) { totalCount nodes {
            slot tableNumber fromParticipant { id } toParticipant { id } } } } }"#,
        json!({ "id": id }),
    );
    let event = &read.data()["matchmakingEvent"];
    assert_eq!(event["meetings"]["totalCount"], accepted);
    let mut seats = std::collections::HashSet::new();
    let mut tables = std::collections::HashSet::new();
    for m in event["meetings"]["nodes"].as_array().expect("meetings") {
        let slot = m["slot"].as_i64().expect("a slot");
        assert!(slot < event["slotCount"].as_i64().expect("slots"));
        assert!(m["tableNumber"].as_i64().expect("a table") < event["tableCount"].as_i64().expect("tables"));
        assert!(
            tables.insert((slot, m["tableNumber"].clone().to_string())),
            "a table twice"
        );
        for side in ["fromParticipant", "toParticipant"] {
            let who = m[side]["id"].as_str().expect("a side").to_owned();
            assert!(
                seats.insert((slot, who)),
                "a participant in two meetings in slot {slot}"
            );
        }
    }

    // The CASTRA story names the 2016 matchmaking and the meeting that began it.
    let stories = app.as_admin(
        r#"{ successStories { nodes { title matchmakingEvent { name status }
            meeting { kind outcome { kind } fromParticipant { name } toParticipant { name } } } } }"#,
        json!({}),
    );
    let castra = stories.data()["successStories"]["nodes"]
        .as_array()
        .expect("stories")
        .iter()
        .find(|s| s["title"].as_str().is_some_and(|t| t.starts_with("CASTRA")))
        .expect("the CASTRA story")
        .clone();
    assert_eq!(castra["matchmakingEvent"]["status"], "FINISHED");
    assert_eq!(castra["meeting"]["kind"], "C2C");
    assert_eq!(castra["meeting"]["outcome"]["kind"], "JOINT_PROJECT");
    assert_eq!(
        castra["meeting"]["toParticipant"]["name"],
        "System Integration Promotion Office"
    );
    let record = records(&app)["castra"].clone();
    assert_eq!(record["eventsAttended"], 2);
    assert!(figure(&record, "meetingsHeld") >= 5);
    assert!(figure(&record, "JOINT_PROJECT") >= 1);
}
