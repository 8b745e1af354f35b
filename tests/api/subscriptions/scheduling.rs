//! `scheduleEvent` told live: every follower of the event hears `eventScheduled`, and the two
//! sides of each meeting that got its place hear `meetingUpdated` with SCHEDULED.

use std::collections::HashSet;

use serde_json::json;

use super::{
    client::{Client, Incoming},
    let_subscriptions_start, UPDATED,
};
use crate::{
    agenda::{closed_event, schedule},
    support::TestApp,
};

const EVENT_SCHEDULED: &str = r#"subscription($e: ID!) { eventScheduled(eventId: $e) { id status } }"#;
const AGENDA: &str = r#"query($p: ID!) { node(id: $p) { ... on EventParticipant { agenda { meeting { id } } } } }"#;

#[test]
fn scheduling_tells_the_events_followers_and_each_side_of_a_placed_meeting() {
    let app = TestApp::spawn();
    let event = closed_event(&app);
    let tpca = event.participant("tpca").to_owned();
    let mut live = Client::signed_in(&app, json!({ "token": event.tokens["tpca"] }));
    live.subscribe("event", EVENT_SCHEDULED, json!({ "e": event.id }));
    live.subscribe("updates", UPDATED, json!({ "p": tpca }));
    let_subscriptions_start();

    let done = schedule(&app, &event.id, event.version);
    assert_eq!(done["matchmakingEvent"]["status"], "SCHEDULED");

    let placed: HashSet<String> = app
        .post(Some(&event.tokens["tpca"]), AGENDA, json!({ "p": tpca }))
        .data()["node"]["agenda"]
        .as_array()
        .expect("agenda")
        .iter()
        .map(|entry| entry["meeting"]["id"].as_str().expect("meeting ID").to_owned())
        .collect();
    assert!(!placed.is_empty(), "TPCA has meetings placed");
    // The two subscriptions deliver independently: take the messages in whatever order.
    let mut heard = HashSet::new();
    let mut event_heard = None;
    while heard.len() < placed.len() || event_heard.is_none() {
        let Incoming::Message(message) = live.next() else {
            panic!("the socket closed");
        };
        assert_eq!(message["type"], "next", "{message}");
        let payload = &message["payload"]["data"];
        if message["id"] == "event" {
            assert!(event_heard.is_none(), "one eventScheduled per scheduling: {message}");
            event_heard = Some(payload["eventScheduled"].clone());
        } else {
            assert_eq!(payload["meetingUpdated"]["change"], "SCHEDULED", "{message}");
            let id = payload["meetingUpdated"]["meeting"]["id"].as_str().expect("meeting ID");
            assert!(heard.insert(id.to_owned()), "once per meeting: {message}");
        }
    }
    assert_eq!(heard, placed, "one SCHEDULED per meeting of TPCA's that got a place");
    assert_eq!(event_heard, Some(json!({ "id": event.id, "status": "SCHEDULED" })));
    live.close();
}
