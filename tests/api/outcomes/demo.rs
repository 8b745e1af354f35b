//! The demo events: the 2018 Taipei matchmaking as the article tells it, and the 2016 meeting
//! that began CASTRA's story.

use serde_json::json;

use super::statistics::{figure, records, STATISTICS};
use crate::support::TestApp;

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

    // A page of meetings reads their outcomes in one statement, whatever its size.
    let statements = |selection: &str, first: i64| {
        let query = format!(
            "query($id: ID!, $first: Int!) {{ matchmakingEvent(id: $id) {{ meetings(first: $first) {{ nodes {{ {selection} }} }} }} }}"
        );
        app.take_statement_count();
        app.as_admin(&query, json!({ "id": id, "first": first })).data();
        app.take_statement_count()
    };
    statements("id", 1);
    for first in [5, 75] {
        assert_eq!(
            statements("id outcome { kind }", first),
            statements("id", first) + 1,
            "outcomes of {first} meetings"
        );
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
