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

/// Creates an event as the TW partner and opens it: its ID and version.
pub fn open_event(app: &TestApp, input: Value) -> (String, i64) {
    let partner = partner_tw();
    let created = app.post(Some(&partner), CREATE_EVENT, json!({ "input": input }));
    let event = &created.data()["createMatchmakingEvent"]["matchmakingEvent"];
    let id = event["id"].as_str().expect("event ID").to_owned();
    let opened = app.post(
        Some(&partner),
        &change_status("openMatchmakingEvent"),
        json!({ "input": { "id": id, "version": event["version"] } }),
    );
    let version = opened.data()["openMatchmakingEvent"]["matchmakingEvent"]["version"]
        .as_i64()
        .expect("version");
    (id, version)
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

/// A demo cluster's global ID.
pub fn cluster_id(app: &TestApp, slug: &str) -> String {
    app.query(
        "query($s: String!) { clusterBySlug(slug: $s) { id } }",
        json!({ "s": slug }),
    )
    .data()["clusterBySlug"]["id"]
        .as_str()
        .expect("a demo cluster")
        .to_owned()
}

pub fn manager_of(cluster: &str) -> String {
    TestApp::scoped_token(Role::ClusterManager, &[], &[cluster], &[])
}

/// A new account, signed in: its user ID and access token.
pub fn person(app: &TestApp, email: &str) -> (String, String) {
    let password = "a matchmaking passphrase";
    let registered = app.query(
        "mutation($input: RegisterInput!) { register(input: $input) { user { id } } }",
        json!({ "input": { "email": email, "displayName": "Matchmaking Person", "password": password } }),
    );
    let id = registered.data()["register"]["user"]["id"]
        .as_str()
        .expect("user ID")
        .to_owned();
    let login = app.query(
        "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { accessToken } }",
        json!({ "email": email, "password": password }),
    );
    let token = login.data()["login"]["accessToken"].as_str().expect("token").to_owned();
    (id, token)
}

pub const REGISTER: &str = r#"mutation($input: RegisterParticipantInput!) { registerParticipant(input: $input) {
    participant { id kind name country status version availableSlots maxMeetings offeredEcosystems cluster { slug } } } }"#;

pub const APPROVE: &str = r#"mutation($input: ReviewParticipantInput!) { approveParticipant(input: $input) {
    participant { id status version } } }"#;

/// Registers a demo cluster (by its manager) for the event and has the TW partner approve it:
/// the participant's ID.
pub fn approved_cluster(
    app: &TestApp,
    event: &str,
    slug: &str,
    slots: Value,
    max_meetings: i64,
    ecosystems: Value,
) -> String {
    let cluster = cluster_id(app, slug);
    let registered = app.post(
        Some(&manager_of(&cluster)),
        REGISTER,
        json!({ "input": { "eventId": event, "clusterId": cluster, "availableSlots": slots, "maxMeetings": max_meetings,
                           "offeredEcosystems": ecosystems, "seeks": "Partners for joint R&D." } }),
    );
    let participant = &registered.data()["registerParticipant"]["participant"];
    let id = participant["id"].as_str().expect("participant ID").to_owned();
    let approved = app.post(
        Some(&partner_tw()),
        APPROVE,
        json!({ "input": { "id": id, "version": participant["version"] } }),
    );
    assert_eq!(
        approved.data()["approveParticipant"]["participant"]["status"],
        "APPROVED"
    );
    id
}

const PARTICIPANTS: &str = r#"query($id: ID!, $f: EventParticipantFilter) { matchmakingEvent(id: $id) {
    participants(filter: $f) { totalCount nodes { name status reviewNote } } } }"#;

fn names(reply: &crate::support::Reply) -> Vec<String> {
    reply.data()["matchmakingEvent"]["participants"]["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .map(|n| n["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn participants_register_and_wait_for_approval() {
    let app = TestApp::spawn();
    let partner = partner_tw();
    let partner_de = TestApp::scoped_token(Role::Partner, &["DE"], &[], &[]);
    let (event, _) = open_event(&app, event_input());
    let tpca = cluster_id(&app, "tpca");
    let castra = cluster_id(&app, "castra");
    let register = |token: Option<&str>, input: Value| app.post(token, REGISTER, json!({ "input": input }));
    let tpca_input = json!({ "eventId": event, "clusterId": tpca, "availableSlots": [0, 1, 2, 8, 2], "maxMeetings": 6,
                             "offeredEcosystems": ["ELECTRONICS"], "soughtEcosystems": ["DIGITAL"],
                             "offers": "Printed circuit boards.", "seeks": "European assemblers." });

    // Those who edit the cluster register it, once; slots must exist.
    assert_eq!(register(None, tpca_input.clone()).code(), "UNAUTHENTICATED");
    assert_eq!(
        register(Some(&manager_of(&castra)), tpca_input.clone()).code(),
        "FORBIDDEN"
    );
    let mut bad = tpca_input.clone();
    bad["availableSlots"] = json!([9]);
    bad["maxMeetings"] = json!(0);
    let mut fields = register(Some(&manager_of(&tpca)), bad).bad_fields();
    fields.sort();
    assert_eq!(fields, ["availableSlots", "maxMeetings"]);
    let registered = register(Some(&manager_of(&tpca)), tpca_input.clone());
    let participant = registered.data()["registerParticipant"]["participant"].clone();
    assert_eq!(participant["status"], "PENDING");
    assert_eq!(participant["kind"], "CLUSTER");
    assert_eq!(participant["availableSlots"], json!([0, 1, 2, 8]));
    assert_eq!(participant["cluster"]["slug"], "tpca");
    assert_eq!(register(Some(&partner), tpca_input.clone()).code(), "CONFLICT");

    // A person registers a business and acts for it.
    let (_, buyer) = person(&app, "buyer@assembly.example.de");
    let business = json!({ "eventId": event, "availableSlots": [3, 4], "maxMeetings": 4, "soughtEcosystems": ["ELECTRONICS"],
                           "business": { "name": "Rhein Assembly GmbH", "country": "DE", "kind": "SME",
                                         "website": "https://assembly.example.de" } });
    let as_operator = register(Some(&TestApp::token(Role::User)), business.clone());
    assert_eq!(
        as_operator.code(),
        "FORBIDDEN",
        "a token without an account acts for no business"
    );
    let rhein = register(Some(&buyer), business.clone());
    let rhein = rhein.data()["registerParticipant"]["participant"].clone();
    assert_eq!(rhein["kind"], "BUSINESS");
    let rhein_id = rhein["id"].as_str().expect("ID").to_owned();

    // Pending participants: for the organisers and those who act for them.
    assert!(names(&app.query(PARTICIPANTS, json!({ "id": event }))).is_empty());
    assert_eq!(
        names(&app.post(Some(&buyer), PARTICIPANTS, json!({ "id": event }))),
        ["Rhein Assembly GmbH"]
    );
    assert_eq!(
        names(&app.post(Some(&partner), PARTICIPANTS, json!({ "id": event }))).len(),
        2
    );
    let node = r#"query($id: ID!) { node(id: $id) { id } }"#;
    assert_eq!(app.query(node, json!({ "id": rhein_id })).data()["node"], Value::Null);

    // The organisers approve or reject, once.
    let review = |token: &str, field: &str, id: &str, version: i64| {
        app.post(
            Some(token),
            &format!("mutation($input: ReviewParticipantInput!) {{ {field}(input: $input) {{ participant {{ status version }} }} }}"),
            json!({ "input": { "id": id, "version": version, "reason": "Welcome." } }),
        )
    };
    let tpca_participant = participant["id"].as_str().expect("ID").to_owned();
    assert_eq!(
        review(&partner_de, "approveParticipant", &tpca_participant, 1).code(),
        "FORBIDDEN"
    );
    assert_eq!(
        review(&manager_of(&tpca), "approveParticipant", &tpca_participant, 1).code(),
        "FORBIDDEN"
    );
    let approved = app.post(
        Some(&partner),
        APPROVE,
        json!({ "input": { "id": tpca_participant, "version": 1 } }),
    );
    assert_eq!(
        approved.data()["approveParticipant"]["participant"]["status"],
        "APPROVED"
    );
    assert_eq!(
        review(&partner, "rejectParticipant", &tpca_participant, 2).code(),
        "TRANSITION_NOT_ALLOWED"
    );
    let reject = app.post(
        Some(&partner),
        "mutation($input: ReviewParticipantInput!) { rejectParticipant(input: $input) { participant { status } } }",
        json!({ "input": { "id": rhein_id, "version": 1, "reason": "Register as a member of a cluster instead." } }),
    );
    assert_eq!(reject.data()["rejectParticipant"]["participant"]["status"], "REJECTED");
    let tpca_name = participant["name"].as_str().expect("a name").to_owned();
    assert_eq!(names(&app.query(PARTICIPANTS, json!({ "id": event }))), [tpca_name]);
    let own = app.post(
        Some(&buyer),
        PARTICIPANTS,
        json!({ "id": event, "f": { "statuses": ["REJECTED"] } }),
    );
    assert_eq!(
        own.data()["matchmakingEvent"]["participants"]["nodes"][0]["reviewNote"],
        "Register as a member of a cluster instead."
    );

    // Those who act for it change its wishes and availability, at the version they read.
    let update = r#"mutation($input: UpdateParticipantInput!) { updateParticipant(input: $input) {
        participant { version availableSlots maxMeetings offeredEcosystems } } }"#;
    let change = |version: i64, slots: Value| {
        json!({ "input": { "id": tpca_participant, "version": version, "availableSlots": slots, "maxMeetings": 3,
                           "offeredEcosystems": ["ELECTRONICS", "DIGITAL"], "seeks": "European assemblers." } })
    };
    assert_eq!(
        app.post(Some(&manager_of(&castra)), update, change(2, json!([0])))
            .code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.post(Some(&manager_of(&tpca)), update, change(2, json!([-1])))
            .bad_fields(),
        ["availableSlots"]
    );
    let updated = app.post(Some(&manager_of(&tpca)), update, change(2, json!([5, 0])));
    let updated = &updated.data()["updateParticipant"]["participant"];
    assert_eq!(updated["availableSlots"], json!([0, 5]));
    assert_eq!(updated["offeredEcosystems"], json!(["DIGITAL", "ELECTRONICS"]));
    assert_eq!(updated["version"], 3);
    assert_eq!(
        app.post(Some(&manager_of(&tpca)), update, change(2, json!([0]))).code(),
        "CONFLICT"
    );

    // Filters: country, kind, ecosystem, words.
    let count = |filter: Value| {
        app.post(Some(&partner), PARTICIPANTS, json!({ "id": event, "f": filter }))
            .data()["matchmakingEvent"]["participants"]["totalCount"]
            .clone()
    };
    assert_eq!(count(json!({ "countries": ["DE"] })), 1);
    assert_eq!(count(json!({ "kinds": ["BUSINESS"] })), 1);
    assert_eq!(count(json!({ "ecosystems": ["DIGITAL"] })), 1);
    assert_eq!(count(json!({ "ecosystems": ["ELECTRONICS"] })), 2);
    assert_eq!(count(json!({ "query": "european ASSEMBLERS" })), 1);
    assert_eq!(count(json!({ "query": "100%" })), 0);

    // A closed event takes no registrations; nor one past its deadline.
    let (castra_event, version) = open_event(&app, event_input());
    app.post(
        Some(&partner),
        &change_status("closeMatchmakingEvent"),
        json!({ "input": { "id": castra_event, "version": version } }),
    );
    let castra_input = json!({ "eventId": castra_event, "clusterId": castra, "availableSlots": [0], "maxMeetings": 1 });
    assert_eq!(
        register(Some(&manager_of(&castra)), castra_input).code(),
        "EVENT_NOT_OPEN"
    );
    let mut past = event_input();
    past["registrationDeadline"] = json!(at_days(-1));
    let (late_event, _) = open_event(&app, past);
    let late = json!({ "eventId": late_event, "clusterId": castra, "availableSlots": [0], "maxMeetings": 1 });
    assert_eq!(
        register(Some(&manager_of(&castra)), late).code(),
        "REGISTRATION_DEADLINE_PASSED"
    );
}

/// Registers a business as a new person and has the TW partner approve it: the participant's
/// ID and the person's token.
pub fn approved_business(app: &TestApp, event: &str, name: &str, country: &str, email: &str) -> (String, String) {
    let (_, token) = person(app, email);
    let registered = app.post(
        Some(&token),
        REGISTER,
        json!({ "input": { "eventId": event, "availableSlots": [0, 1, 2, 3], "maxMeetings": 5,
                           "soughtEcosystems": ["ELECTRONICS"],
                           "business": { "name": name, "country": country, "kind": "SME" } } }),
    );
    let participant = &registered.data()["registerParticipant"]["participant"];
    let id = participant["id"].as_str().expect("participant ID").to_owned();
    let approved = app.post(
        Some(&partner_tw()),
        APPROVE,
        json!({ "input": { "id": id, "version": 1 } }),
    );
    assert_eq!(
        approved.data()["approveParticipant"]["participant"]["status"],
        "APPROVED"
    );
    (id, token)
}

pub const REQUEST: &str = r#"mutation($input: RequestMeetingInput!) { requestMeeting(input: $input) {
    meeting { id kind state message version } } }"#;

/// `acceptMeeting`, `declineMeeting`, `cancelMeeting` and the others that return a meeting.
pub fn meeting_mutation(field: &str, input: &str) -> String {
    format!(
        "mutation($input: {input}!) {{ {field}(input: $input) {{ meeting {{ id state reason slot tableNumber pinned }} }} }}"
    )
}

#[test]
fn meeting_requests_follow_their_state_machine_and_every_refusal_has_its_code() {
    let app = TestApp::spawn();
    let partner = partner_tw();
    let (event, _) = open_event(&app, event_input());
    let slots = json!([0, 1, 2, 3, 4]);
    let tpca = approved_cluster(&app, &event, "tpca", slots.clone(), 2, json!(["ELECTRONICS"]));
    let taia = approved_cluster(&app, &event, "taia", slots.clone(), 5, json!(["AEROSPACE_DEFENCE"]));
    let castra = approved_cluster(&app, &event, "castra", slots.clone(), 5, json!(["DIGITAL"]));
    let (rhein, rhein_token) = approved_business(&app, &event, "Rhein Assembly GmbH", "DE", "buyer@rhein.example.de");
    let (formosa, _) = approved_business(&app, &event, "Formosa Parts Ltd", "TW", "sales@formosa.example.tw");
    let teema = cluster_id(&app, "teema");
    let pending = app.post(
        Some(&manager_of(&teema)),
        REGISTER,
        json!({ "input": { "eventId": event, "clusterId": teema, "availableSlots": [0], "maxMeetings": 3 } }),
    );
    let pending = pending.data()["registerParticipant"]["participant"]["id"]
        .as_str()
        .expect("ID")
        .to_owned();
    let manager = |slug: &str| manager_of(&cluster_id(&app, slug));
    let (tpca_mgr, taia_mgr, castra_mgr) = (manager("tpca"), manager("taia"), manager("castra"));
    let request = |token: &str, from: &str, to: &str| {
        app.post(
            Some(token),
            REQUEST,
            json!({ "input": { "eventId": event, "fromParticipantId": from, "toParticipantId": to,
                               "message": "Let us talk about PCB assembly." } }),
        )
    };
    let act = |token: &str, field: &str, id: &str| {
        let input = if field == "acceptMeeting" {
            "AcceptMeetingInput"
        } else {
            "EndMeetingInput"
        };
        let mut variables = json!({ "input": { "id": id } });
        if field != "acceptMeeting" {
            variables["input"]["reason"] = json!("Our agenda is full.");
        }
        app.post(Some(token), &meeting_mutation(field, input), variables)
    };
    let state = |reply: &crate::support::Reply, field: &str| reply.data()[field]["meeting"]["state"].clone();

    // Refusals before any meeting exists.
    assert_eq!(request(&tpca_mgr, &tpca, &tpca).code(), "MEETING_WITH_ONESELF");
    assert_eq!(request(&tpca_mgr, &tpca, &pending).code(), "PARTICIPANT_NOT_APPROVED");
    assert_eq!(
        request(&manager_of(&teema), &pending, &tpca).code(),
        "PARTICIPANT_NOT_APPROVED"
    );
    assert_eq!(
        request(&rhein_token, &rhein, &formosa).code(),
        "MEETING_KIND_NOT_ALLOWED"
    );
    assert_eq!(request(&castra_mgr, &tpca, &taia).code(), "FORBIDDEN");

    // TPCA asks TAIA; the request is the two sides' and the organisers' business only.
    let asked = request(&tpca_mgr, &tpca, &taia);
    let meeting = asked.data()["requestMeeting"]["meeting"].clone();
    assert_eq!(
        (meeting["state"].clone(), meeting["kind"].clone()),
        (json!("REQUESTED"), json!("C2C"))
    );
    let m1 = meeting["id"].as_str().expect("ID").to_owned();
    let read = r#"query($id: ID!) { node(id: $id) { ... on Meeting { message state } } }"#;
    assert_eq!(app.query(read, json!({ "id": m1 })).data()["node"], Value::Null);
    assert_eq!(
        app.post(Some(&castra_mgr), read, json!({ "id": m1 })).data()["node"],
        Value::Null
    );
    for token in [&taia_mgr, &tpca_mgr, &partner] {
        let seen = app.post(Some(token), read, json!({ "id": m1 }));
        assert_eq!(seen.data()["node"]["message"], "Let us talk about PCB assembly.");
    }
    assert_eq!(request(&tpca_mgr, &tpca, &taia).code(), "MEETING_ALREADY_REQUESTED");
    assert_eq!(request(&taia_mgr, &taia, &tpca).code(), "MEETING_ALREADY_REQUESTED");

    // Only the invited side accepts; once.
    assert_eq!(act(&tpca_mgr, "acceptMeeting", &m1).code(), "TRANSITION_NOT_ALLOWED");
    assert_eq!(act(&castra_mgr, "acceptMeeting", &m1).code(), "FORBIDDEN");
    assert_eq!(act(&tpca_mgr, "declineMeeting", &m1).code(), "TRANSITION_NOT_ALLOWED");
    assert_eq!(
        state(&act(&taia_mgr, "acceptMeeting", &m1), "acceptMeeting"),
        "ACCEPTED"
    );
    assert_eq!(act(&taia_mgr, "acceptMeeting", &m1).code(), "TRANSITION_NOT_ALLOWED");
    assert_eq!(act(&taia_mgr, "declineMeeting", &m1).code(), "TRANSITION_NOT_ALLOWED");

    // TPCA wants at most 2 meetings: an accepted one and a request fill them.
    let m2 = request(&tpca_mgr, &tpca, &castra).data()["requestMeeting"]["meeting"]["id"]
        .as_str()
        .expect("ID")
        .to_owned();
    assert_eq!(request(&tpca_mgr, &tpca, &rhein).code(), "MEETING_LIMIT_REACHED");
    assert_eq!(request(&rhein_token, &rhein, &tpca).code(), "MEETING_LIMIT_REACHED");
    // The TW partner acts for TPCA, the requester, so it is not the invited side either.
    assert_eq!(act(&partner, "acceptMeeting", &m2).code(), "TRANSITION_NOT_ALLOWED");
    let declined = act(&castra_mgr, "declineMeeting", &m2);
    assert_eq!(state(&declined, "declineMeeting"), "DECLINED");
    assert_eq!(
        declined.data()["declineMeeting"]["meeting"]["reason"],
        "Our agenda is full."
    );
    for field in ["acceptMeeting", "declineMeeting", "cancelMeeting"] {
        assert_eq!(
            act(&castra_mgr, field, &m2).code(),
            "TRANSITION_NOT_ALLOWED",
            "{field} after DECLINED"
        );
    }

    // A declined pair may ask again; the requester cancels, and nothing moves after that.
    let m3 = request(&tpca_mgr, &tpca, &castra).data()["requestMeeting"]["meeting"]["id"]
        .as_str()
        .expect("ID")
        .to_owned();
    assert_eq!(
        state(&act(&tpca_mgr, "cancelMeeting", &m3), "cancelMeeting"),
        "CANCELLED"
    );
    for field in ["acceptMeeting", "declineMeeting", "cancelMeeting"] {
        assert_eq!(
            act(&castra_mgr, field, &m3).code(),
            "TRANSITION_NOT_ALLOWED",
            "{field} after CANCELLED"
        );
    }

    // An organiser is not the invited side: Rhein's request of CASTRA is CASTRA's to answer.
    let m5 = request(&rhein_token, &rhein, &castra).data()["requestMeeting"]["meeting"]["id"]
        .as_str()
        .expect("ID")
        .to_owned();
    assert_eq!(act(&partner, "acceptMeeting", &m5).code(), "FORBIDDEN");
    assert_eq!(
        state(&act(&castra_mgr, "declineMeeting", &m5), "declineMeeting"),
        "DECLINED"
    );

    // Organisers add, pin, unpin and cancel meetings.
    let add = meeting_mutation("addMeeting", "AddMeetingInput");
    let added_input = json!({ "input": { "eventId": event, "fromParticipantId": castra, "toParticipantId": rhein } });
    assert_eq!(
        app.post(Some(&castra_mgr), &add, added_input.clone()).code(),
        "FORBIDDEN"
    );
    let added = app.post(Some(&partner), &add, added_input);
    assert_eq!(added.data()["addMeeting"]["meeting"]["state"], "ACCEPTED");
    let m4 = added.data()["addMeeting"]["meeting"]["id"]
        .as_str()
        .expect("ID")
        .to_owned();
    let pin = meeting_mutation("pinMeeting", "PinMeetingInput");
    let pin_at = |slot: i64, table: i64| json!({ "input": { "id": m4, "slot": slot, "tableNumber": table } });
    assert_eq!(
        app.post(Some(&partner), &pin, pin_at(4, 0)).bad_fields(),
        ["slot"],
        "Rhein is not there in slot 4"
    );
    assert_eq!(
        app.post(Some(&partner), &pin, pin_at(1, 40)).bad_fields(),
        ["tableNumber"]
    );
    assert_eq!(app.post(Some(&castra_mgr), &pin, pin_at(1, 3)).code(), "FORBIDDEN");
    let pinned = app.post(Some(&partner), &pin, pin_at(1, 3));
    assert_eq!(pinned.data()["pinMeeting"]["meeting"]["pinned"], true);
    assert_eq!(pinned.data()["pinMeeting"]["meeting"]["slot"], 1);
    let unpin = meeting_mutation("unpinMeeting", "UnpinMeetingInput");
    let unpinned = app.post(Some(&partner), &unpin, json!({ "input": { "id": m4 } }));
    assert_eq!(unpinned.data()["unpinMeeting"]["meeting"]["pinned"], false);
    assert_eq!(unpinned.data()["unpinMeeting"]["meeting"]["tableNumber"], 3);
    let cancelled = act(&partner, "cancelMeeting", &m4);
    assert_eq!(state(&cancelled, "cancelMeeting"), "CANCELLED");
    assert_eq!(cancelled.data()["cancelMeeting"]["meeting"]["slot"], Value::Null);

    // The lists: a participant's meetings for those who act for it, the event's for organisers.
    let lists = r#"query($event: ID!, $p: ID!) { matchmakingEvent(id: $event) { meetings { totalCount }
        participants(filter: {query: "TPCA"}) { nodes { id } } }
        node(id: $p) { ... on EventParticipant { meetings(filter: {states: [ACCEPTED]}) { totalCount } } } }"#;
    let totals = |token: &str| {
        let reply = app.post(Some(token), lists, json!({ "event": event, "p": tpca }));
        (
            reply.data()["matchmakingEvent"]["meetings"]["totalCount"].clone(),
            reply.data()["node"]["meetings"]["totalCount"].clone(),
        )
    };
    assert_eq!(totals(&partner), (json!(5), json!(1)));
    assert_eq!(totals(&tpca_mgr), (json!(3), json!(1)));
    assert_eq!(totals(&castra_mgr), (json!(4), json!(0)));

    // After the request deadline, and once the event is closed, nobody asks.
    let update = r#"mutation($input: UpdateMatchmakingEventInput!) { updateMatchmakingEvent(input: $input) {
        matchmakingEvent { version } } }"#;
    let version = app
        .post(
            Some(&partner),
            r#"query($id: ID!) { matchmakingEvent(id: $id) { version } }"#,
            json!({ "id": event }),
        )
        .data()["matchmakingEvent"]["version"]
        .clone();
    let moved = app.post(
        Some(&partner),
        update,
        json!({ "input": { "id": event, "version": version, "registrationDeadline": at_days(-2), "requestDeadline": at_days(-1) } }),
    );
    let version = moved.data()["updateMatchmakingEvent"]["matchmakingEvent"]["version"].clone();
    assert_eq!(request(&taia_mgr, &taia, &castra).code(), "REQUEST_DEADLINE_PASSED");
    app.post(
        Some(&partner),
        &change_status("closeMatchmakingEvent"),
        json!({ "input": { "id": event, "version": version } }),
    );
    assert_eq!(request(&taia_mgr, &taia, &castra).code(), "EVENT_NOT_OPEN");
}

#[test]
fn suggestions_rank_the_approved_participants_without_a_meeting() {
    let app = TestApp::spawn();
    let (event, _) = open_event(&app, event_input());
    let slots = json!([0, 1, 2]);
    let tpca = approved_cluster(&app, &event, "tpca", slots.clone(), 5, json!(["ELECTRONICS"]));
    let taia = approved_cluster(&app, &event, "taia", slots.clone(), 5, json!(["AEROSPACE_DEFENCE"]));
    let castra = approved_cluster(
        &app,
        &event,
        "castra",
        slots.clone(),
        5,
        json!(["AEROSPACE_DEFENCE", "DIGITAL"]),
    );
    let (_, rhein_token) = approved_business(&app, &event, "Rhein Assembly GmbH", "DE", "buyer@rhein.example.de");
    let tmbia = cluster_id(&app, "tmbia");
    app.post(
        Some(&manager_of(&tmbia)),
        REGISTER,
        json!({ "input": { "eventId": event, "clusterId": tmbia, "availableSlots": [0], "maxMeetings": 3,
                           "offeredEcosystems": ["AEROSPACE_DEFENCE"] } }),
    );
    let suggested = r#"query($id: ID!, $first: Int!) { node(id: $id) { ... on EventParticipant {
        suggestedMeetings(first: $first) { score participant { id name } reasons { kind points detail } } } } }"#;
    let taia_mgr = manager_of(&cluster_id(&app, "taia"));
    let list = |token: &str, first: i64| {
        let reply = app.post(Some(token), suggested, json!({ "id": taia, "first": first }));
        reply.data()["node"]["suggestedMeetings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let ids = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|s| s["participant"]["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let all = list(&taia_mgr, 10);
    // CASTRA shares aerospace and is abroad; TPCA's electronics complement aerospace; the
    // pending TMBIA is not suggested.
    assert_eq!(ids(&all)[0], castra);
    assert!(ids(&all).contains(&tpca), "{all:?}");
    assert!(!ids(&all).iter().any(|id| id == &taia), "never oneself");
    let reasons: Vec<&str> = all[0]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["kind"].as_str().unwrap_or_default())
        .collect();
    assert!(
        reasons.contains(&"SHARED_ECOSYSTEMS") && reasons.contains(&"INTERNATIONAL"),
        "{reasons:?}"
    );
    let sum: f64 = all[0]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["points"].as_f64().unwrap_or(0.0))
        .sum();
    assert_eq!(all[0]["score"].as_f64(), Some(sum));
    let scores: Vec<f64> = all.iter().map(|s| s["score"].as_f64().unwrap_or(0.0)).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    assert_eq!(list(&taia_mgr, 1).len(), 1);

    // A pair with a request drops out, whoever asked.
    app.post(
        Some(&manager_of(&cluster_id(&app, "castra"))),
        REQUEST,
        json!({ "input": { "eventId": event, "fromParticipantId": castra, "toParticipantId": taia } }),
    );
    let after = list(&taia_mgr, 10);
    assert!(!ids(&after).contains(&castra), "{after:?}");
    assert_eq!(after.len(), all.len() - 1);

    // For those who act for the participant and the organisers only.
    let refused = app.post(Some(&rhein_token), suggested, json!({ "id": taia, "first": 5 }));
    assert_eq!(refused.code(), "FORBIDDEN");
    assert_eq!(
        app.query(suggested, json!({ "id": taia, "first": 5 })).code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        app.post(Some(&partner_tw()), suggested, json!({ "id": taia, "first": 51 }))
            .bad_fields(),
        ["first"]
    );
}

#[test]
fn a_retried_meeting_request_with_its_idempotency_key_is_made_once() {
    let app = TestApp::spawn();
    let (event, _) = open_event(&app, event_input());
    let tpca = approved_cluster(&app, &event, "tpca", json!([0, 1]), 3, json!(["ELECTRONICS"]));
    let taia = approved_cluster(&app, &event, "taia", json!([0, 1]), 3, json!(["AEROSPACE_DEFENCE"]));
    let bearer = format!("Bearer {}", manager_of(&cluster_id(&app, "tpca")));
    let body = json!({ "query": REQUEST,
                       "variables": { "input": { "eventId": event, "fromParticipantId": tpca, "toParticipantId": taia } } })
    .to_string();
    let send = || {
        let mut response = app
            .agent()
            .post(format!("{}/graphql", app.base))
            .header("Authorization", bearer.as_str())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "request-tpca-taia-1")
            .send(body.clone())
            .expect("request");
        let replayed = response.headers().get("idempotent-replayed").is_some();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (serde_json::from_str::<Value>(&text).unwrap_or(Value::Null), replayed)
    };
    let (first, _) = send();
    let (replay, replayed) = send();
    assert!(first["data"]["requestMeeting"]["meeting"]["id"].is_string(), "{first}");
    assert_eq!(first["data"], replay["data"], "the replay answers what the first did");
    assert!(replayed);
    let meetings = app.post(
        Some(&partner_tw()),
        r#"query($id: ID!) { matchmakingEvent(id: $id) { meetings { totalCount } } }"#,
        json!({ "id": event }),
    );
    assert_eq!(
        meetings.data()["matchmakingEvent"]["meetings"]["totalCount"],
        1,
        "written once"
    );
}
