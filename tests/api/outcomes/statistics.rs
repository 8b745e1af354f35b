//! The statistics of a crafted event to the exact number, and the records of its clusters, a
//! page of them in one statement.

use serde_json::{json, Value};

use super::{cluster, finish, meeting, named_event, pin, record};
use crate::{
    matchmaking::{approved_business, event_input, manager_of, partner_tw},
    support::TestApp,
};

pub(super) const STATISTICS: &str = r#"query($id: ID!) { eventStatistics(eventId: $id) {
    participantCount participantsByCountry { country count } participantsByKind { kind count }
    meetings { requested accepted declined cancelled scheduled held }
    meetingsByKind { kind count }
    meetingsPerParticipant { mean min max withAtLeastFour shareWithAtLeastFour }
    outcomesByKind { kind count } } }"#;

const RECORDS: &str = r#"query($first: Int!) { clusters(first: $first, orderBy: {field: NAME}) { nodes { slug
    matchmakingRecord { eventsAttended meetingsHeld outcomesByKind { kind count } } } } }"#;

/// Each cluster's record by slug, as the page of clusters shows it.
pub(super) fn records(app: &TestApp) -> std::collections::HashMap<String, Value> {
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
pub(super) fn figure(record: &Value, field: &str) -> i64 {
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
