//! Scheduling a real event through the API (`scheduleEvent`), rescheduling it, and the agendas
//! it yields: as a query, and as iCalendar over HTTP, parsed back with a second parser.

use std::collections::{HashMap, HashSet};

use clusterbridge::auth::Role;
use serde_json::{json, Value};

use crate::{
    matchmaking::{
        approved_business, approved_cluster, change_status, cluster_id, event_input, manager_of, meeting_mutation,
        open_event, partner_tw, person, REQUEST,
    },
    support::{uuid_of, TestApp},
};

const SCHEDULE: &str = r#"mutation($input: ScheduleEventInput!) { scheduleEvent(input: $input) {
    matchmakingEvent { id status version }
    schedule { meetings placed upperBound shareOfBound participantsShort meanIdleSlots moved
               unplaced { meeting { id } reason } } } }"#;

const MEETINGS: &str = r#"query($id: ID!) { matchmakingEvent(id: $id) {
    tableCount slots { number startsAt }
    meetings(first: 100, filter: {states: [ACCEPTED]}) { nodes { id slot tableNumber sequence version
      fromParticipant { id availableSlots } toParticipant { id availableSlots } } } } }"#;

const AGENDA: &str = r#"query($id: ID!) { node(id: $id) { ... on EventParticipant { agenda {
    meeting { id sequence tableNumber } otherParticipant { id name } slot table startsAt endsAt localStartsAt localEndsAt } } } }"#;

/// A CLOSED event in Taipei with 2 tables, five demo clusters and a business, and seven
/// accepted meetings between them (none of TAMI's).
struct Event {
    id: String,
    version: i64,
    /// Participant IDs by slug (and `rhein` for the business).
    participants: HashMap<&'static str, String>,
    /// Tokens that act for each participant.
    tokens: HashMap<&'static str, String>,
}

impl Event {
    fn participant(&self, name: &str) -> &str {
        &self.participants[name]
    }
}

fn closed_event(app: &TestApp) -> Event {
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

fn schedule(app: &TestApp, event: &str, version: i64) -> Value {
    let reply = app.post(
        Some(&partner_tw()),
        SCHEDULE,
        json!({ "input": { "eventId": event, "version": version } }),
    );
    reply.data()["scheduleEvent"].clone()
}

/// Every accepted meeting, as the organisers see it: id → (slot, table, sequence).
fn placements(app: &TestApp, event: &str) -> HashMap<String, (Value, Value, i64)> {
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
