//! Agendas: `EventParticipant.agenda` in time order for the participant and the organisers
//! only, and the same agenda as iCalendar at `/events/{eventId}/agenda/{participantId}.ics` by
//! bearer token or agenda link, 404 for everyone else, parsed back with the `ical` crate.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};

use super::{closed_event, schedule};
use crate::{
    matchmaking::{partner_tw, person},
    support::{uuid_of, TestApp},
};

const AGENDA: &str = r#"query($id: ID!) { node(id: $id) { ... on EventParticipant { agenda {
    meeting { id sequence tableNumber } otherParticipant { id name } slot table startsAt endsAt localStartsAt localEndsAt } } } }"#;

/// A GET of `path` with an optional bearer token: status, content type and body.
fn fetch(app: &TestApp, path: &str, token: Option<&str>) -> (u16, String, String) {
    let mut request = app.agent().get(format!("{}{path}", app.base));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.call().expect("request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// The VEVENTs of an iCalendar text, read by the `ical` crate: UID → (SEQUENCE, DTSTART,
/// SUMMARY, LOCATION).
fn vevents(text: &str) -> HashMap<String, (String, String, String, String)> {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars.next().expect("a calendar").expect("it parses");
    assert!(calendars.next().is_none(), "one calendar");
    calendar
        .events
        .iter()
        .map(|e| {
            let get = |name: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            (
                get("UID"),
                (get("SEQUENCE"), get("DTSTART"), get("SUMMARY"), get("LOCATION")),
            )
        })
        .collect()
}

#[test]
fn agendas_are_for_the_participant_and_the_organisers_and_export_as_icalendar() {
    let app = TestApp::spawn();
    let event = closed_event(&app);
    schedule(&app, &event.id, event.version);
    let tpca = event.participant("tpca").to_owned();
    let agenda_of = |token: Option<&str>| {
        app.post(token, AGENDA, json!({ "id": tpca })).data()["node"]["agenda"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };

    // TPCA meets TAIA, CASTRA and Rhein, in time order, at tables counted from 1.
    let agenda = agenda_of(Some(&event.tokens["tpca"]));
    assert_eq!(agenda.len(), 3, "{agenda:?}");
    let slots: Vec<i64> = agenda.iter().map(|a| a["slot"].as_i64().expect("slot")).collect();
    assert!(slots.windows(2).all(|w| w[0] < w[1]), "time order: {slots:?}");
    let mut others: Vec<&str> = agenda
        .iter()
        .map(|a| a["otherParticipant"]["id"].as_str().expect("other"))
        .collect();
    others.sort();
    let mut expected = vec![
        event.participant("taia"),
        event.participant("castra"),
        event.participant("rhein"),
    ];
    expected.sort();
    assert_eq!(others, expected);
    let times = app.post(
        Some(&partner_tw()),
        r#"query($id: ID!) { matchmakingEvent(id: $id) { slots { number startsAt endsAt } } }"#,
        json!({ "id": event.id }),
    );
    let event_slots = times.data()["matchmakingEvent"]["slots"].clone();
    for item in &agenda {
        let slot = &event_slots[item["slot"].as_u64().expect("slot") as usize];
        assert_eq!(item["startsAt"], slot["startsAt"]);
        assert_eq!(item["endsAt"], slot["endsAt"]);
        assert_eq!(
            item["table"],
            item["meeting"]["tableNumber"].as_i64().expect("table") + 1
        );
        // Taipei is UTC+8 and the sessions run 14:00–17:00 local time.
        let local = item["localStartsAt"].as_str().expect("local time");
        assert!(local.ends_with("+08:00"), "{local}");
        let hour: u32 = local[11..13].parse().expect("an hour");
        assert!((14..17).contains(&hour), "{local}");
    }
    // The organisers see it too; the other side of one of its meetings, strangers and anonymous
    // callers see none of it.
    assert_eq!(agenda_of(Some(&partner_tw())), agenda);
    let (_, stranger) = person(&app, "stranger@agenda.example.de");
    for token in [Some(event.tokens["castra"].as_str()), Some(stranger.as_str()), None] {
        assert_eq!(agenda_of(token), Vec::<Value>::new());
    }

    // The .ics with a bearer token of TPCA's manager: one VEVENT per meeting, UIDs from the
    // meetings' ids, SEQUENCE and DTSTART as the agenda says.
    let path = format!("/events/{}/agenda/{tpca}.ics", event.id);
    let (status, content_type, body) = fetch(&app, &path, Some(&event.tokens["tpca"]));
    assert_eq!(status, 200, "{body}");
    assert!(content_type.starts_with("text/calendar"), "{content_type}");
    let entries = vevents(&body);
    assert_eq!(entries.len(), agenda.len());
    for item in &agenda {
        let uid = format!("{}@clusterbridge", uuid_of(item["meeting"]["id"].as_str().expect("ID")));
        let (sequence, start, summary, location) = entries.get(&uid).unwrap_or_else(|| panic!("{uid} in {body}"));
        assert_eq!(sequence, &item["meeting"]["sequence"].to_string());
        let starts_at =
            chrono::DateTime::parse_from_rfc3339(item["startsAt"].as_str().expect("start")).expect("RFC 3339");
        assert_eq!(
            start,
            &starts_at
                .with_timezone(&chrono::Utc)
                .format("%Y%m%dT%H%M%SZ")
                .to_string()
        );
        let other = item["otherParticipant"]["name"].as_str().expect("name");
        assert!(summary.contains(other), "{summary}");
        assert!(location.starts_with(&format!("Table {}", item["table"])), "{location}");
    }
    // The organisers may fetch it, by uuids too; nobody else learns that it exists.
    let by_uuid = format!("/events/{}/agenda/{}.ics", uuid_of(&event.id), uuid_of(&tpca));
    assert_eq!(fetch(&app, &by_uuid, Some(&partner_tw())).0, 200);
    for token in [
        Some(event.tokens["castra"].as_str()),
        Some(stranger.as_str()),
        Some("not-a-token"),
        None,
    ] {
        assert_eq!(fetch(&app, &path, token).0, 404, "{token:?}");
    }
    let wrong_event = format!("/events/{}/agenda/{tpca}.ics", uuid::Uuid::now_v7());
    assert_eq!(fetch(&app, &wrong_event, Some(&partner_tw())).0, 404);

    // A link opens it without signing in, until it is revoked.
    let create = r#"mutation($input: AgendaLinkInput!) { createAgendaLink(input: $input) { url participant { id agendaLinkCreatedAt } } }"#;
    let revoke = r#"mutation($input: AgendaLinkInput!) { revokeAgendaLink(input: $input) { revoked } }"#;
    let link_input = json!({ "input": { "participantId": tpca } });
    assert_eq!(
        app.post(Some(&event.tokens["castra"]), create, link_input.clone())
            .code(),
        "FORBIDDEN"
    );
    let created = app.post(Some(&event.tokens["tpca"]), create, link_input.clone());
    let url = created.data()["createAgendaLink"]["url"]
        .as_str()
        .expect("a URL")
        .to_owned();
    assert!(created.data()["createAgendaLink"]["participant"]["agendaLinkCreatedAt"].is_string());
    assert!(url.starts_with(&path), "{url}");
    let (status, _, linked) = fetch(&app, &url, None);
    assert_eq!(status, 200);
    assert_eq!(
        vevents(&linked).keys().collect::<HashSet<_>>(),
        entries.keys().collect()
    );
    let token = url.split_once("?token=").expect("a token").1;
    let taia_path = format!(
        "/events/{}/agenda/{}.ics?token={token}",
        event.id,
        event.participant("taia")
    );
    assert_eq!(
        fetch(&app, &taia_path, None).0,
        404,
        "a link opens its own participant's agenda only"
    );
    assert_eq!(fetch(&app, &format!("{path}?token=x{token}"), None).0, 404);
    assert_eq!(
        app.post(Some(&event.tokens["castra"]), revoke, link_input.clone())
            .code(),
        "FORBIDDEN"
    );
    let revoked = app.post(Some(&partner_tw()), revoke, link_input.clone());
    assert_eq!(revoked.data()["revokeAgendaLink"]["revoked"], true);
    assert_eq!(fetch(&app, &url, None).0, 404, "a revoked link opens nothing");
    let again = app.post(Some(&partner_tw()), revoke, link_input);
    assert_eq!(again.data()["revokeAgendaLink"]["revoked"], false);
}

#[test]
fn the_agendas_of_a_page_of_participants_cost_what_one_costs() {
    let app = TestApp::spawn();
    let event = closed_event(&app);
    schedule(&app, &event.id, event.version);
    let page = r#"query($id: ID!, $first: Int!) { matchmakingEvent(id: $id) { participants(first: $first) { nodes {
        name agenda { slot table startsAt localStartsAt meeting { id sequence } otherParticipant { name } } } } } }"#;
    let statements = |first: usize| {
        app.take_statement_count();
        let reply = app.post(Some(&partner_tw()), page, json!({ "id": event.id, "first": first }));
        let nodes = reply.data()["matchmakingEvent"]["participants"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(nodes.len(), first);
        assert!(
            nodes.iter().any(|n| !n["agenda"].as_array().is_some_and(Vec::is_empty)),
            "{nodes:?}"
        );
        app.take_statement_count()
    };
    statements(1);
    let two = statements(2);
    let six = statements(6);
    assert_eq!(two, six, "the agendas load in batches, not one participant at a time");
}
