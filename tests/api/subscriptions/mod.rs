//! Live notifications (issue 15 point 7): GraphQL subscriptions over a real WebSocket, spoken
//! in graphql-transport-ws by hand (connection_init → connection_ack → subscribe → next):
//! delivery of meeting requests and their changes, refusals, close codes, caps and limits, and
//! `scheduleEvent` heard live (`scheduling`), and
//! on PostgreSQL an event raised on one server process reaching a subscriber of another.

pub(crate) mod client;
mod feed;
mod scheduling;

use std::time::Duration;

use clusterbridge::http::{live::LiveSettings, EndpointSettings};
use serde_json::json;

use self::client::{Client, Incoming};

use crate::{
    matchmaking::{
        approved_cluster, cluster_id, event_input, manager_of, meeting_mutation, open_event, partner_tw, person,
        REQUEST,
    },
    support::TestApp,
};

const REQUESTED: &str = r#"subscription($p: ID!) { meetingRequested(participantId: $p) {
    id state message fromParticipant { name } toParticipant { id } } }"#;
pub(super) const UPDATED: &str =
    r#"subscription($p: ID!) { meetingUpdated(participantId: $p) { change meeting { id state } } }"#;

/// Gives subscribes just sent time to start. A subscribe charges the caller's rate-limit
/// bucket, a write; on SQLite a write landing inside a mutation's deferred transaction fails
/// that transaction as busy (INTERNAL), as two concurrent HTTP requests already can. The
/// protocol has no acknowledgement of a subscribe to wait for instead.
pub(super) fn let_subscriptions_start() {
    std::thread::sleep(Duration::from_millis(300));
}

/// An open event with two approved clusters: (event, TPCA's participant, TAIA's participant).
fn event_with_two(app: &TestApp) -> (String, String, String) {
    let (event, _) = open_event(app, event_input());
    let slots = json!([0, 1, 2, 3]);
    let tpca = approved_cluster(app, &event, "tpca", slots.clone(), 5, json!(["ELECTRONICS"]));
    let taia = approved_cluster(app, &event, "taia", slots, 5, json!(["AEROSPACE_DEFENCE"]));
    (event, tpca, taia)
}

fn request(app: &TestApp, token: &str, event: &str, from: &str, to: &str) -> String {
    let reply = app.post(
        Some(token),
        REQUEST,
        json!({ "input": { "eventId": event, "fromParticipantId": from, "toParticipantId": to,
                           "message": "Shall we meet about avionics boards?" } }),
    );
    reply.data()["requestMeeting"]["meeting"]["id"]
        .as_str()
        .expect("meeting ID")
        .to_owned()
}

#[test]
fn a_participants_user_hears_of_a_request_and_of_its_acceptance() {
    let app = TestApp::spawn();
    let (event, tpca, taia) = event_with_two(&app);
    let tpca_manager = manager_of(&cluster_id(&app, "tpca"));
    let taia_manager = manager_of(&cluster_id(&app, "taia"));
    // The `token` form of connection_init.
    let mut live = Client::signed_in(&app, json!({ "token": tpca_manager }));
    live.subscribe("requests", REQUESTED, json!({ "p": tpca }));
    live.subscribe("updates", UPDATED, json!({ "p": tpca }));
    let_subscriptions_start();

    let meeting = request(&app, &taia_manager, &event, &taia, &tpca);
    let requested = live.next_for("requests");
    assert!(requested.get("errors").is_none(), "{requested}");
    let delivered = &requested["data"]["meetingRequested"];
    assert_eq!(delivered["id"], meeting.as_str());
    assert_eq!(delivered["state"], "REQUESTED");
    assert_eq!(
        delivered["fromParticipant"]["name"],
        "Taiwan Aerospace Industry Association"
    );
    assert_eq!(delivered["toParticipant"]["id"], tpca.as_str());

    let accepted = app.post(
        Some(&tpca_manager),
        &meeting_mutation("acceptMeeting", "AcceptMeetingInput"),
        json!({ "input": { "id": meeting } }),
    );
    assert_eq!(accepted.data()["acceptMeeting"]["meeting"]["state"], "ACCEPTED");
    let updated = live.next_for("updates");
    assert_eq!(
        updated["data"]["meetingUpdated"],
        json!({ "change": "ACCEPTED", "meeting": { "id": meeting, "state": "ACCEPTED" } })
    );

    // The organisers pin it: a first place is SCHEDULED, another one MOVED.
    let pin = meeting_mutation("pinMeeting", "PinMeetingInput");
    for (slot, change) in [(0, "SCHEDULED"), (2, "MOVED")] {
        let pinned = app.post(
            Some(&partner_tw()),
            &pin,
            json!({ "input": { "id": meeting, "slot": slot, "tableNumber": 3 } }),
        );
        assert_eq!(pinned.data()["pinMeeting"]["meeting"]["slot"], slot);
        let updated = live.next_for("updates");
        assert_eq!(updated["data"]["meetingUpdated"]["change"], change, "{updated}");
    }

    let cancelled = app.post(
        Some(&taia_manager),
        &meeting_mutation("cancelMeeting", "EndMeetingInput"),
        json!({ "input": { "id": meeting, "reason": "Flight cancelled." } }),
    );
    assert_eq!(cancelled.data()["cancelMeeting"]["meeting"]["state"], "CANCELLED");
    let updated = live.next_for("updates");
    assert_eq!(updated["data"]["meetingUpdated"]["change"], "CANCELLED");
    // Completing a subscription is acknowledged; the socket stays open for the other.
    live.complete("requests");
    live.close();
}

#[test]
fn strangers_are_refused_and_a_bad_token_closes_the_socket_with_4403() {
    let app = TestApp::spawn();
    let (event, tpca, _) = event_with_two(&app);
    let stranger = manager_of(&cluster_id(&app, "castra"));
    let mut live = Client::bearer(&app, &stranger);
    live.subscribe("1", REQUESTED, json!({ "p": tpca }));
    let error = live.refused("1");
    assert_eq!(error["extensions"]["code"], "FORBIDDEN", "{error}");
    assert!(
        error["message"].as_str().is_some_and(|m| m.contains("participant")),
        "{error}"
    );
    live.subscribe(
        "2",
        "subscription($e: ID!) { eventScheduled(eventId: $e) { id } }",
        json!({ "e": event }),
    );
    assert_eq!(live.refused("2")["extensions"]["code"], "FORBIDDEN");
    // Those who act for an approved participant may follow the event's schedule.
    let mut participant = Client::bearer(&app, &manager_of(&cluster_id(&app, "tpca")));
    participant.subscribe(
        "3",
        "subscription($e: ID!) { eventScheduled(eventId: $e) { id name } }",
        json!({ "e": event }),
    );
    participant.subscribe("4", REQUESTED, json!({ "p": "not-an-id" }));
    // The first subscription runs (it sends nothing yet); the second fails on its argument.
    assert_eq!(participant.refused("4")["extensions"]["code"], "BAD_USER_INPUT");

    // No credential: the socket opens, but subscriptions need someone signed in.
    let mut anonymous = Client::signed_in(&app, json!({}));
    anonymous.subscribe("1", REQUESTED, json!({ "p": tpca }));
    assert_eq!(anonymous.refused("1")["extensions"]["code"], "UNAUTHENTICATED");

    for payload in [
        json!({ "authorization": "Bearer not-a-token" }),
        json!({ "token": TestApp::token(clusterbridge::auth::Role::Admin) + "x" }),
        json!({ "authorization": "Basic dXNlcjpwYXNz" }),
    ] {
        let mut refused = Client::connect(&app);
        refused.send(json!({ "type": "connection_init", "payload": payload }));
        match refused.next() {
            Incoming::Closed(code) => assert_eq!(code, 4403, "{payload}"),
            other => panic!("expected the socket closed with 4403, got {other:?}"),
        }
    }
}

#[test]
fn a_right_taken_away_ends_the_subscription_at_the_next_notification() {
    let app = TestApp::spawn();
    let (organiser, organiser_token) = person(&app, "organiser@matchmaking.example.tw");
    let mut input = event_input();
    input["organiserIds"] = json!([organiser]);
    let (event, version) = open_event(&app, input);
    let slots = json!([0, 1, 2, 3]);
    let tpca = approved_cluster(&app, &event, "tpca", slots.clone(), 5, json!(["ELECTRONICS"]));
    let taia = approved_cluster(&app, &event, "taia", slots.clone(), 5, json!(["AEROSPACE_DEFENCE"]));
    let castra = approved_cluster(&app, &event, "castra", slots, 5, json!(["DIGITAL"]));
    // A named organiser follows TPCA's requests, and hears of the first.
    let mut live = Client::bearer(&app, &organiser_token);
    live.subscribe("1", REQUESTED, json!({ "p": tpca }));
    let_subscriptions_start();
    let first = request(&app, &manager_of(&cluster_id(&app, "taia")), &event, &taia, &tpca);
    assert_eq!(live.next_for("1")["data"]["meetingRequested"]["id"], first.as_str());

    // The partner takes the organiser off the event: the next request is not delivered, and the
    // subscription completes.
    let update = r#"mutation($input: UpdateMatchmakingEventInput!) { updateMatchmakingEvent(input: $input) {
        matchmakingEvent { version } } }"#;
    let updated = app.post(
        Some(&partner_tw()),
        update,
        json!({ "input": { "id": event, "version": version, "organiserIds": [] } }),
    );
    assert!(updated.data()["updateMatchmakingEvent"]["matchmakingEvent"]["version"].is_number());
    request(&app, &manager_of(&cluster_id(&app, "castra")), &event, &castra, &tpca);
    match live.next() {
        Incoming::Message(m) if m["type"] == "complete" && m["id"] == "1" => {}
        other => panic!("expected the subscription completed, got {other:?}"),
    }
    // And it cannot start again.
    live.subscribe("2", REQUESTED, json!({ "p": tpca }));
    assert_eq!(live.refused("2")["extensions"]["code"], "FORBIDDEN");
}

#[test]
fn signing_out_ends_the_subscriptions_of_that_sign_in() {
    let app = TestApp::with_settings(EndpointSettings {
        revocation_delay: Duration::ZERO,
        ..EndpointSettings::default()
    });
    let (event, tpca, taia) = event_with_two(&app);
    // The demo manager of TPCA, signed in with a password.
    let (email, _, password) = clusterbridge::seed::DEMO_ACCOUNTS[2];
    let login = app.query(
        "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken refreshToken } }",
        json!({ "e": email, "p": password }),
    );
    let session = login.data()["login"].clone();
    let access = session["accessToken"].as_str().expect("access token");
    let mut live = Client::bearer(&app, access);
    live.subscribe("1", REQUESTED, json!({ "p": tpca }));
    let_subscriptions_start();
    let taia_manager = manager_of(&cluster_id(&app, "taia"));
    let first = request(&app, &taia_manager, &event, &taia, &tpca);
    assert_eq!(live.next_for("1")["data"]["meetingRequested"]["id"], first.as_str());
    let out = app.query(
        "mutation($t: String!) { logout(input: {refreshToken: $t}) { signedOut } }",
        json!({ "t": session["refreshToken"] }),
    );
    assert_eq!(out.data()["logout"]["signedOut"], true);
    let cancelled = app.post(
        Some(&taia_manager),
        &meeting_mutation("cancelMeeting", "EndMeetingInput"),
        json!({ "input": { "id": first } }),
    );
    assert_eq!(cancelled.data()["cancelMeeting"]["meeting"]["state"], "CANCELLED");
    request(&app, &taia_manager, &event, &taia, &tpca);
    match live.next() {
        Incoming::Message(m) if m["type"] == "complete" && m["id"] == "1" => {}
        other => panic!("expected the subscription completed, got {other:?}"),
    }
}

#[test]
fn subscriptions_obey_the_socket_cap_the_depth_limit_and_the_init_timeout() {
    let settings = EndpointSettings {
        live: LiveSettings {
            max_subscriptions: 2,
            init_timeout: Duration::from_millis(500),
            ..LiveSettings::default()
        },
        ..EndpointSettings::default()
    };
    let app = TestApp::with_settings(settings);
    let (_, tpca, _) = event_with_two(&app);
    let mut live = Client::bearer(&app, &manager_of(&cluster_id(&app, "tpca")));
    live.subscribe("1", REQUESTED, json!({ "p": tpca }));
    live.subscribe("2", UPDATED, json!({ "p": tpca }));
    live.subscribe("3", UPDATED, json!({ "p": tpca }));
    let error = live.refused("3");
    assert_eq!(error["extensions"]["code"], "SUBSCRIPTION_LIMIT_REACHED", "{error}");
    // Completing one gives its place back: one more runs, and the next is refused again.
    live.complete("1");
    live.subscribe("4", REQUESTED, json!({ "p": tpca }));
    live.subscribe("5", REQUESTED, json!({ "p": tpca }));
    assert_eq!(live.refused("5")["extensions"]["code"], "SUBSCRIPTION_LIMIT_REACHED");
    live.complete("4");

    // The same depth limit as a query (12).
    let deep = r#"subscription($p: ID!) { meetingRequested(participantId: $p) { event { participants { nodes {
        event { participants { nodes { event { participants { nodes { event { participants { nodes { name }
        } } } } } } } } } } } } }"#;
    live.subscribe("6", deep, json!({ "p": tpca }));
    let error = live.refused("6");
    assert!(
        error["message"].as_str().is_some_and(|m| m.contains("nested too deep")),
        "{error}"
    );
    // Queries and mutations go over HTTP.
    live.subscribe("7", "{ __typename }", json!({}));
    assert_eq!(live.refused("7")["extensions"]["code"], "METHOD_NOT_ALLOWED");
    live.close();

    // A socket that never sends connection_init is closed with 4408.
    let mut silent = Client::connect(&app);
    match silent.next() {
        Incoming::Closed(code) => assert_eq!(code, 4408),
        other => panic!("expected the socket closed with 4408, got {other:?}"),
    }
}

#[test]
fn the_open_socket_cap_refuses_more_and_counts_down_as_clients_leave() {
    let settings = EndpointSettings {
        live: LiveSettings {
            max_sockets: 2,
            ..LiveSettings::default()
        },
        ..EndpointSettings::default()
    };
    let app = TestApp::with_settings(settings);
    let token = manager_of(&cluster_id(&app, "tpca"));
    let first = Client::bearer(&app, &token);
    let second = Client::bearer(&app, &token);
    assert_eq!(Client::try_connect(&app).err(), Some(503), "a third socket is refused");
    // Without the upgrade, GET /graphql is still the HTTP endpoint.
    let (status, body, _) = app.get("/graphql?query=%7B__typename%7D");
    assert_eq!((status, body.contains("Query")), (200, true), "{body}");
    first.close();
    drop(second);
    // Both places come back once the server has seen the sockets go.
    let mut reopened = Vec::new();
    for _ in 0..50 {
        match Client::try_connect(&app) {
            Ok(client) => reopened.push(client),
            Err(status) => assert_eq!(status, 503),
        }
        if reopened.len() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(reopened.len(), 2, "the sockets that left gave their places back");
    assert_eq!(Client::try_connect(&app).err(), Some(503), "and the cap holds again");
}

#[test]
fn on_postgresql_a_subscriber_of_another_process_hears_an_event_raised_on_the_first() {
    let app = TestApp::spawn();
    if !app.on_postgres() {
        return;
    }
    let other = app.replica(EndpointSettings::default());
    let (event, tpca, taia) = event_with_two(&app);
    let castra = approved_cluster(&app, &event, "castra", json!([0, 1, 2, 3]), 5, json!(["DIGITAL"]));
    let tpca_manager = manager_of(&cluster_id(&app, "tpca"));
    let mut there = Client::bearer(&other, &tpca_manager);
    there.subscribe("1", REQUESTED, json!({ "p": tpca }));
    let mut here = Client::bearer(&app, &tpca_manager);
    here.subscribe("1", REQUESTED, json!({ "p": tpca }));
    let_subscriptions_start();

    let first = request(&app, &manager_of(&cluster_id(&app, "taia")), &event, &taia, &tpca);
    assert_eq!(there.next_for("1")["data"]["meetingRequested"]["id"], first.as_str());
    assert_eq!(here.next_for("1")["data"]["meetingRequested"]["id"], first.as_str());
    // Raised on the other process this time; each process delivers each event once.
    let second = request(&other, &manager_of(&cluster_id(&app, "castra")), &event, &castra, &tpca);
    assert_eq!(here.next_for("1")["data"]["meetingRequested"]["id"], second.as_str());
    assert_eq!(there.next_for("1")["data"]["meetingRequested"]["id"], second.as_str());
}
