//! `scheduleEvent`: who may, from which status, with which version; every accepted meeting
//! placed without double booking and within availability; a reschedule that moves few and raises
//! SEQUENCE on the moved only; and a cancellation racing a reschedule, never lost.

use clusterbridge::auth::Role;
use serde_json::{json, Value};

use super::{closed_event, placements, schedule, SCHEDULE};
use crate::{
    matchmaking::{meeting_mutation, partner_tw},
    support::{uuid_of, TestApp},
};

#[test]
fn an_event_is_scheduled_by_its_organisers_and_rescheduled_moving_few_meetings() {
    let app = TestApp::spawn();
    let event = closed_event(&app);
    let input = json!({ "input": { "eventId": event.id, "version": event.version } });

    // Only organisers schedule, with the version they read.
    assert_eq!(app.query(SCHEDULE, input.clone()).code(), "UNAUTHENTICATED");
    let partner_de = TestApp::scoped_token(Role::Partner, &["DE"], &[], &[]);
    for token in [&partner_de, &event.tokens["tpca"], &TestApp::token(Role::User)] {
        assert_eq!(app.post(Some(token), SCHEDULE, input.clone()).code(), "FORBIDDEN");
    }
    let stale = json!({ "input": { "eventId": event.id, "version": event.version - 1 } });
    assert_eq!(app.post(Some(&partner_tw()), SCHEDULE, stale).code(), "CONFLICT");

    // An organiser pins TPCA–TAIA to the last slot both have, at the second table.
    let tpca_taia = placements(&app, &event.id)
        .into_keys()
        .find(|id| {
            let read = app.post(
                Some(&partner_tw()),
                r#"query($id: ID!) { node(id: $id) { ... on Meeting { fromParticipant { id } toParticipant { id } } } }"#,
                json!({ "id": id }),
            );
            let node = &read.data()["node"];
            node["fromParticipant"]["id"] == event.participant("tpca")
                && node["toParticipant"]["id"] == event.participant("taia")
        })
        .expect("TPCA's meeting with TAIA");
    let pinned = app.post(
        Some(&partner_tw()),
        &meeting_mutation("pinMeeting", "PinMeetingInput"),
        json!({ "input": { "id": tpca_taia, "slot": 3, "tableNumber": 1 } }),
    );
    assert_eq!(pinned.data()["pinMeeting"]["meeting"]["pinned"], true);

    let first = schedule(&app, &event.id, event.version);
    assert_eq!(first["matchmakingEvent"]["status"], "SCHEDULED");
    let figures = &first["schedule"];
    assert_eq!(figures["meetings"], 7);
    assert_eq!(figures["placed"], 7, "{figures}");
    assert_eq!(figures["unplaced"], json!([]));
    assert_eq!(figures["participantsShort"], 0);
    assert_eq!(figures["shareOfBound"], 1.0);
    assert_eq!(figures["moved"], 0);
    let before = placements(&app, &event.id);
    assert_eq!(before.len(), 7);
    assert!(before
        .values()
        .all(|(slot, _, sequence)| slot.is_i64() && *sequence == 0));

    // One more meeting, added by an organiser after scheduling; the reschedule keeps the others
    // where they can stay, and raises SEQUENCE on exactly the ones it moved.
    let added = app.post(
        Some(&partner_tw()),
        &meeting_mutation("addMeeting", "AddMeetingInput"),
        json!({ "input": { "eventId": event.id, "fromParticipantId": event.participant("teema"),
                           "toParticipantId": event.participant("tpca") } }),
    );
    let new_meeting = added.data()["addMeeting"]["meeting"]["id"]
        .as_str()
        .expect("ID")
        .to_owned();
    // And one that cannot take place: TAMI and TPCA share no slot. It is unplaced, with a
    // reason that names the participants as people know them.
    let impossible = app.post(
        Some(&partner_tw()),
        &meeting_mutation("addMeeting", "AddMeetingInput"),
        json!({ "input": { "eventId": event.id, "fromParticipantId": event.participant("tami"),
                           "toParticipantId": event.participant("tpca") } }),
    );
    let impossible = impossible.data()["addMeeting"]["meeting"]["id"]
        .as_str()
        .expect("ID")
        .to_owned();
    let version = first["matchmakingEvent"]["version"].as_i64().expect("version");
    // A retry with the same Idempotency-Key answers what the first did and schedules once.
    let body =
        json!({ "query": SCHEDULE, "variables": { "input": { "eventId": event.id, "version": version } } }).to_string();
    let send = || {
        let mut response = app
            .agent()
            .post(format!("{}/graphql", app.base))
            .header("Authorization", format!("Bearer {}", partner_tw()))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "reschedule-after-two-additions")
            .send(body.clone())
            .expect("request");
        let replayed = response.headers().get("idempotent-replayed").is_some();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (serde_json::from_str::<Value>(&text).unwrap_or(Value::Null), replayed)
    };
    let (answer, _) = send();
    let (replay, replayed) = send();
    assert!(replayed, "{replay}");
    assert_eq!(answer["data"], replay["data"]);
    let again = answer["data"]["scheduleEvent"].clone();
    assert_eq!(again["schedule"]["meetings"], 9, "{answer}");
    assert_eq!(again["schedule"]["placed"], 8, "{}", again["schedule"]);
    let unplaced = again["schedule"]["unplaced"].as_array().expect("unplaced");
    assert_eq!(unplaced.len(), 1);
    assert_eq!(unplaced[0]["meeting"]["id"], impossible.as_str());
    let reason = unplaced[0]["reason"].as_str().expect("a reason");
    assert!(reason.contains("share no available slot"), "{reason}");
    assert!(
        !reason.contains(&uuid_of(event.participant("tpca")).to_string()),
        "names, not ids: {reason}"
    );
    let after = placements(&app, &event.id);
    let moved: Vec<&String> = before
        .iter()
        .filter(|(id, (slot, table, _))| (&after[*id].0, &after[*id].1) != (slot, table))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(again["schedule"]["moved"], moved.len());
    assert!(
        moved.len() <= 2,
        "a reschedule for one new meeting moved {}",
        moved.len()
    );
    for (id, (_, _, sequence)) in after
        .iter()
        .filter(|(id, _)| before.contains_key(*id) || **id == new_meeting)
    {
        let expected = i64::from(moved.contains(&id));
        assert_eq!(*sequence, expected, "meeting {id}: SEQUENCE rises only when it moves");
    }
    assert!(after[&new_meeting].0.is_i64(), "the new meeting is placed");
    for placed in [&before, &after] {
        assert_eq!(
            (&placed[&tpca_taia].0, &placed[&tpca_taia].1),
            (&json!(3), &json!(1)),
            "pinned"
        );
    }
    assert!(after[&impossible].0.is_null(), "the impossible one is not");

    // Each scheduling left one audit entry on the event.
    let audit = app.as_admin(
        r#"query($id: ID!) { auditLog(filter: {entityId: $id, action: SCHEDULE}) { totalCount } }"#,
        json!({ "id": event.id }),
    );
    assert_eq!(audit.data()["auditLog"]["totalCount"], 2, "the replay wrote nothing");
    // A stale version is still refused once scheduled.
    let stale = json!({ "input": { "eventId": event.id, "version": version } });
    assert_eq!(app.post(Some(&partner_tw()), SCHEDULE, stale).code(), "CONFLICT");
}

/// A mutation sent on its own agent, for another thread: the JSON answer.
fn post_with(agent: &ureq::Agent, base: &str, token: &str, query: &str, variables: Value) -> Value {
    let mut response = agent
        .post(format!("{base}/graphql"))
        .header("Authorization", format!("Bearer {token}"))
        .send_json(json!({ "query": query, "variables": variables }))
        .expect("request");
    let text = response.body_mut().read_to_string().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn outcome(answer: &Value) -> String {
    match answer["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => "ok".to_owned(),
    }
}

#[test]
fn a_cancellation_racing_a_reschedule_is_never_lost() {
    let app = TestApp::spawn();
    let event = closed_event(&app);
    let first = schedule(&app, &event.id, event.version);
    let mut version = first["matchmakingEvent"]["version"].as_i64().expect("version");
    let all = r#"query($id: ID!) { matchmakingEvent(id: $id) { version meetings(first: 100) { nodes {
        id state slot tableNumber fromParticipant { id } toParticipant { id } } } } }"#;
    let cancel = meeting_mutation("cancelMeeting", "EndMeetingInput");
    // Each round, TAIA's manager cancels one of TAIA's placed meetings while the organisers
    // reschedule; whichever order the database puts them in, a cancelled meeting keeps no place.
    for round in 0..3 {
        let read = app.post(Some(&partner_tw()), all, json!({ "id": event.id }));
        let meetings = read.data()["matchmakingEvent"]["meetings"]["nodes"].clone();
        let taia = event.participant("taia");
        let Some(target) = meetings.as_array().expect("meetings").iter().find(|m| {
            m["state"] == "ACCEPTED"
                && m["slot"].is_i64()
                && (m["fromParticipant"]["id"] == taia || m["toParticipant"]["id"] == taia)
        }) else {
            panic!("round {round}: TAIA has no placed meeting left in {meetings}");
        };
        let target = target["id"].as_str().expect("ID").to_owned();
        let (agent, base) = (app.agent().clone(), app.base.clone());
        let reschedule = || {
            post_with(
                &agent,
                &base,
                &partner_tw(),
                SCHEDULE,
                json!({ "input": { "eventId": event.id, "version": version } }),
            )
        };
        let call_off = || {
            post_with(
                &agent,
                &base,
                &event.tokens["taia"],
                &cancel,
                json!({ "input": { "id": target, "reason": "Our delegation is smaller." } }),
            )
        };
        // SQLite lets one writer in at a time and refuses a second outright rather than
        // queueing it, so there the two run one after the other.
        let (scheduled, cancelled) = if app.on_postgres() {
            std::thread::scope(|scope| {
                let organiser = scope.spawn(reschedule);
                let side = call_off();
                (organiser.join().expect("the scheduling thread"), side)
            })
        } else {
            let side = call_off();
            (reschedule(), side)
        };
        for answer in [&scheduled, &cancelled] {
            assert!(["ok", "CONFLICT"].contains(&outcome(answer).as_str()), "{answer}");
        }
        let after = app.post(Some(&partner_tw()), all, json!({ "id": event.id }));
        let data = &after.data()["matchmakingEvent"];
        for m in data["meetings"]["nodes"].as_array().expect("meetings") {
            if m["state"] != "ACCEPTED" {
                assert!(m["slot"].is_null() && m["tableNumber"].is_null(), "round {round}: {m}");
            }
            if m["id"] == target.as_str() && outcome(&cancelled) == "ok" {
                assert_eq!(m["state"], "CANCELLED", "round {round}: the cancellation was lost");
            }
        }
        version = data["version"].as_i64().expect("version");
        // Every accepted meeting still has a place or a reason: the schedule holds together.
        placements(&app, &event.id);
    }
}
