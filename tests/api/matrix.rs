//! The authorization matrix: every directory write and every protected read, tried by seven kinds
//! of caller (anonymous, USER, a manager of X, a manager of another cluster, the partner for TW, a
//! partner for DE, an administrator) around a Taiwanese cluster X.
//!
//! Each write case has an administrator build fresh fixtures around a new cluster X, as far as the
//! case needs them: a member of X; clusters Y and Z and a partnership P that X coordinates with Y
//! as partner; a story S about X; an account to grant roles to. The callers that must be refused
//! try the write one after another on one shared set, and an administrator's snapshot taken before
//! and after each attempt must not differ. Each caller that may write gets a set of its own, so
//! that its write disturbs no other check; the write must succeed, add exactly one audit entry and
//! change what the case says it changes. Every test prints its grid, and fails with every
//! mismatch it found rather than the first.
//!
//! Why this file is long: the grid is one table of cases × callers, read as a whole; split, a
//! reviewer could no longer see that every write meets all seven callers.

use std::cell::Cell;

use clusterbridge::{
    auth::Role,
    http::{graphql::EndpointSettings, limits::Budgets},
};
use serde_json::{json, Value};

use crate::support::{Reply, TestApp};

/// The callers of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    User,
    /// A CLUSTER_MANAGER of X.
    ManagerOfX,
    /// A CLUSTER_MANAGER of a German cluster of the demo data.
    ManagerOfOther,
    /// A PARTNER for TW who belongs to CNFI.
    PartnerTw,
    /// A PARTNER for DE.
    PartnerDe,
    Admin,
}

use Who::*;

const EVERYONE: [Who; 7] = [Anonymous, User, ManagerOfX, ManagerOfOther, PartnerTw, PartnerDe, Admin];
/// Those who edit X: its managers, its country's partner, administrators.
const EDITORS: &[Who] = &[ManagerOfX, PartnerTw, Admin];
/// Those who register, review and delete profiles in TW.
const REVIEWERS: &[Who] = &[PartnerTw, Admin];
const ADMIN_ONLY: &[Who] = &[Admin];

impl Who {
    fn label(self) -> &'static str {
        match self {
            Anonymous => "anon",
            User => "user",
            ManagerOfX => "mgr-X",
            ManagerOfOther => "mgr-oth",
            PartnerTw => "ptnr-TW",
            PartnerDe => "ptnr-DE",
            Admin => "admin",
        }
    }

    /// What a write by this caller must answer: anonymous callers are told to sign in, the
    /// signed-in ones outside `allowed` are refused.
    fn expected(self, allowed: &[Who]) -> &'static str {
        if allowed.contains(&self) {
            "ok"
        } else if self == Anonymous {
            "UNAUTHENTICATED"
        } else {
            "FORBIDDEN"
        }
    }
}

/// A mutation taking one `$input` argument.
macro_rules! mutation {
    ($field:literal, $input:literal, $selection:literal) => {
        concat!(
            "mutation($input: ",
            $input,
            "!) { ",
            $field,
            "(input: $input) { ",
            $selection,
            " } }"
        )
    };
}

const UPDATE_CLUSTER: &str = mutation!("updateCluster", "UpdateClusterInput", "cluster { id version }");

/// What a case builds, fresh, around a new Taiwanese cluster X.
#[derive(Debug, Clone, Copy)]
struct Setup {
    /// The status X is created with.
    x_status: &'static str,
    /// A member of X.
    member: bool,
    /// Clusters Y and Z, and a partnership P that X coordinates with Y as partner.
    partnership: bool,
    /// A success story S about X.
    story: bool,
    /// How far S has come: DRAFT, SUBMITTED or PUBLISHED (with `story`).
    story_status: &'static str,
    /// A registered account to grant roles to.
    grantee: bool,
    /// An OPEN matchmaking event E in TW where X and clusters Y and V are approved, W is
    /// pending and Y has asked X for a meeting; and an empty OPEN event E2.
    event: bool,
    /// X has an agenda link in E (with `event`).
    agenda_link: bool,
    /// A DRAFT post Q of X and a PUBLISHED post Q2 of X.
    post: bool,
    /// How far E has come beyond that.
    stage: Stage,
}

/// Where E stands. SCHEDULED and FINISHED are staged in SQL: through the API they would take a
/// whole scheduling run, and FINISHED a move into the past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Open,
    /// CLOSED through the API, ready to be scheduled.
    Closed,
    /// Back to DRAFT.
    Draft,
    /// X has met V: an accepted meeting H, pinned at slot 0, table 0.
    Accepted,
    /// SCHEDULED.
    Scheduled,
    /// FINISHED ten days ago, with H held.
    Finished,
}

const X_ONLY: Setup = Setup {
    x_status: "DRAFT",
    member: false,
    partnership: false,
    story: false,
    story_status: "DRAFT",
    grantee: false,
    event: false,
    agenda_link: false,
    stage: Stage::Open,
    post: false,
};
const X_IN_REVIEW: Setup = Setup {
    x_status: "NEEDS_REVIEW",
    ..X_ONLY
};
const WITH_MEMBER: Setup = Setup { member: true, ..X_ONLY };
const WITH_PARTNERSHIP: Setup = Setup {
    partnership: true,
    ..X_ONLY
};
const WITH_STORY: Setup = Setup { story: true, ..X_ONLY };
const WITH_SUBMITTED_STORY: Setup = Setup {
    story_status: "SUBMITTED",
    ..WITH_STORY
};
/// X with everything that hangs off it: what deleting X would take along.
const EVERYTHING: Setup = Setup {
    member: true,
    partnership: true,
    story: true,
    ..X_ONLY
};
const WITH_GRANTEE: Setup = Setup {
    grantee: true,
    ..X_ONLY
};
const WITH_EVENT: Setup = Setup { event: true, ..X_ONLY };
const WITH_CLOSED_EVENT: Setup = Setup {
    stage: Stage::Closed,
    ..WITH_EVENT
};
const WITH_AGENDA_LINK: Setup = Setup {
    agenda_link: true,
    ..WITH_EVENT
};
const WITH_DRAFT_EVENT: Setup = Setup {
    stage: Stage::Draft,
    ..WITH_EVENT
};
const WITH_ACCEPTED_MEETING: Setup = Setup {
    stage: Stage::Accepted,
    ..WITH_EVENT
};
const WITH_SCHEDULED_EVENT: Setup = Setup {
    stage: Stage::Scheduled,
    ..WITH_EVENT
};
const WITH_FINISHED_EVENT: Setup = Setup {
    stage: Stage::Finished,
    ..WITH_EVENT
};
const WITH_POST: Setup = Setup { post: true, ..X_ONLY };

struct Case {
    name: &'static str,
    setup: Setup,
    mutation: &'static str,
    input: fn(&Fixture) -> Value,
    allowed: &'static [Who],
    /// Where in the snapshot an allowed write shows (a JSON pointer).
    changes: &'static str,
}

/// The records one write case works on; IDs are global IDs.
struct Fixture {
    x: String,
    x_version: i64,
    member: Option<String>,
    partnership: Option<Partnership>,
    story: Option<SuccessStory>,
    grantee: Option<Grantee>,
    event: Option<Event>,
    post: Option<Posts>,
    cnfi: String,
}

/// The posts of X: a DRAFT and a PUBLISHED one, as (global ID, version).
struct Posts {
    draft: (String, i64),
    published: (String, i64),
}

/// A matchmaking event around X; IDs are global IDs.
struct Event {
    id: String,
    version: i64,
    /// An empty OPEN event to register X for.
    other: String,
    /// The participants X, V (approved) and W (pending).
    x: String,
    v: String,
    w: String,
    /// Y's request of X.
    request: String,
    /// X's accepted meeting with V, from [`Stage::Accepted`] on.
    held: Option<String>,
}

impl Event {
    fn held(&self) -> &str {
        self.held.as_deref().expect("a setup with an accepted meeting")
    }
}

struct Partnership {
    id: String,
    version: i64,
    /// The member besides X.
    y: String,
    /// A cluster outside P.
    z: String,
}

struct SuccessStory {
    id: String,
    version: i64,
}

struct Grantee {
    id: String,
    email: String,
}

const GRANTEE_PASSWORD: &str = "a matrix grantee passphrase";

impl Fixture {
    fn member(&self) -> &str {
        self.member.as_deref().expect("a setup with a member")
    }

    fn partnership(&self) -> &Partnership {
        self.partnership.as_ref().expect("a setup with a partnership")
    }

    fn story(&self) -> &SuccessStory {
        self.story.as_ref().expect("a setup with a story")
    }

    fn grantee(&self) -> &Grantee {
        self.grantee.as_ref().expect("a setup with a grantee")
    }

    fn event(&self) -> &Event {
        self.event.as_ref().expect("a setup with an event")
    }

    fn posts(&self) -> &Posts {
        self.post.as_ref().expect("a setup with posts")
    }
}

/// A server with the demo data, and what every case needs from it.
struct World {
    app: TestApp,
    /// CNFI, the partner organisation for Taiwan.
    cnfi: String,
    /// A German cluster: what the manager of another cluster manages.
    other_cluster: String,
    serial: Cell<u32>,
}

const CREATE_CLUSTER: &str = mutation!("createCluster", "CreateClusterInput", "cluster { id slug version }");

impl World {
    fn new() -> Self {
        // Rate limits are not what this test is about, and their bookkeeping (two short write
        // transactions per request) would double its run time.
        let app = TestApp::with_settings(EndpointSettings {
            budgets: Budgets {
                rate_limits: None,
                ..Budgets::default()
            },
            ..EndpointSettings::default()
        });
        let partners = app.query(
            r#"{ partnerOrganisations(country: "TW") { nodes { id acronym } } }"#,
            json!({}),
        );
        let cnfi = partners.data()["partnerOrganisations"]["nodes"]
            .as_array()
            .and_then(|nodes| nodes.iter().find(|n| n["acronym"] == "CNFI"))
            .expect("CNFI in the demo data")["id"]
            .as_str()
            .expect("CNFI's ID")
            .to_owned();
        let german = app.query(
            r#"{ clusters(filter: {countries: ["DE"]}, first: 1) { nodes { id } } }"#,
            json!({}),
        );
        let other_cluster = german.data()["clusters"]["nodes"][0]["id"]
            .as_str()
            .expect("a German cluster in the demo data")
            .to_owned();
        World {
            app,
            cnfi,
            other_cluster,
            serial: Cell::new(0),
        }
    }

    fn token(&self, who: Who, x: &str) -> Option<String> {
        match who {
            Anonymous => None,
            User => Some(TestApp::token(Role::User)),
            ManagerOfX => Some(TestApp::scoped_token(Role::ClusterManager, &[], &[x], &[])),
            ManagerOfOther => Some(TestApp::scoped_token(
                Role::ClusterManager,
                &[],
                &[&self.other_cluster],
                &[],
            )),
            PartnerTw => Some(TestApp::scoped_token(Role::Partner, &["TW"], &[], &[&self.cnfi])),
            PartnerDe => Some(TestApp::scoped_token(Role::Partner, &["DE"], &[], &[])),
            Admin => TestApp::admin(),
        }
    }

    fn next(&self) -> u32 {
        self.serial.set(self.serial.get() + 1);
        self.serial.get()
    }

    /// The data of an administrator's operation that must succeed.
    fn admin(&self, query: &str, variables: Value) -> Value {
        self.app.as_admin(query, variables).data().clone()
    }

    /// A new Taiwanese cluster with the given status: its ID, slug and version.
    fn cluster(&self, name: &str, status: &str) -> (String, String, i64) {
        let data = self.admin(
            CREATE_CLUSTER,
            json!({ "input": { "name": name, "kind": "CLUSTER_ORGANISATION", "country": "TW", "status": status,
                               "website": "https://matrix.example.tw", "description": "Made for the matrix.",
                               "contact": { "email": "office@matrix.example.tw" } } }),
        );
        let c = &data["createCluster"]["cluster"];
        (
            c["id"].as_str().expect("ID").to_owned(),
            c["slug"].as_str().expect("slug").to_owned(),
            c["version"].as_i64().expect("version"),
        )
    }

    fn fixture(&self, setup: Setup) -> Fixture {
        let n = self.next();
        let (x, _, x_version) = self.cluster(&format!("Matrix Cluster X{n}"), setup.x_status);
        let id_and_version = |record: &Value| {
            (
                record["id"].as_str().expect("ID").to_owned(),
                record["version"].as_i64().expect("version"),
            )
        };
        let member = setup.member.then(|| {
            self.admin(
                mutation!("createMember", "CreateMemberInput", "member { id }"),
                json!({ "input": { "clusterId": x, "name": format!("Matrix Member {n}"), "kind": "SME", "country": "TW" } }),
            )["createMember"]["member"]["id"]
                .as_str()
                .expect("member ID")
                .to_owned()
        });
        let partnership = setup.partnership.then(|| {
            let (y, _, _) = self.cluster(&format!("Matrix Cluster Y{n}"), "DRAFT");
            let (z, _, _) = self.cluster(&format!("Matrix Cluster Z{n}"), "DRAFT");
            let created = self.admin(
                mutation!("createPartnership", "CreatePartnershipInput", "partnership { id version }"),
                json!({ "input": { "name": format!("Matrix Partnership {n}"), "kind": "MOU",
                                   "members": [{ "clusterId": x, "role": "COORDINATOR" }, { "clusterId": y, "role": "PARTNER" }] } }),
            );
            let (id, version) = id_and_version(&created["createPartnership"]["partnership"]);
            Partnership { id, version, y, z }
        });
        let story = setup.story.then(|| {
            let created = self.admin(
                mutation!("createSuccessStory", "CreateSuccessStoryInput", "successStory { id version }"),
                json!({ "input": { "title": format!("Matrix story {n}"), "summary": "Two clusters met.", "outcome": "MOU",
                                   "clusterIds": [x] } }),
            );
            let (id, mut version) = id_and_version(&created["createSuccessStory"]["successStory"]);
            let steps: &[&str] = match setup.story_status {
                "SUBMITTED" => &["submitSuccessStory"],
                "PUBLISHED" => &["submitSuccessStory", "publishSuccessStory"],
                _ => &[],
            };
            for step in steps {
                let done = self.admin(
                    &format!("mutation($input: SuccessStoryStepInput!) {{ {step}(input: $input) {{ successStory {{ version }} }} }}"),
                    json!({ "input": { "id": id, "version": version } }),
                );
                version = done[*step]["successStory"]["version"].as_i64().expect("story version");
            }
            SuccessStory { id, version }
        });
        let grantee = setup.grantee.then(|| {
            let email = format!("grantee-{n}@matrix.example.tw");
            let registered = self.app.query(
                "mutation($input: RegisterInput!) { register(input: $input) { user { id } } }",
                json!({ "input": { "email": email, "displayName": "Matrix Grantee", "password": GRANTEE_PASSWORD } }),
            );
            let id = registered.data()["register"]["user"]["id"]
                .as_str()
                .expect("user ID")
                .to_owned();
            Grantee { id, email }
        });
        let mut event = setup.event.then(|| self.event_around(&x, n, setup.stage));
        if let Some(e) = event.as_mut() {
            if setup.stage == Stage::Closed {
                let closed = self.admin(
                    &crate::matchmaking::change_status("closeMatchmakingEvent"),
                    json!({ "input": { "id": e.id, "version": e.version } }),
                );
                e.version = closed["closeMatchmakingEvent"]["matchmakingEvent"]["version"]
                    .as_i64()
                    .expect("version");
            }
            if setup.agenda_link {
                self.admin(
                    mutation!("createAgendaLink", "AgendaLinkInput", "url"),
                    json!({ "input": { "participantId": e.x } }),
                );
            }
        }
        let post = setup.post.then(|| {
            let draft = self.post_of(&x, &format!("Matrix draft {n}"));
            let (id, version) = self.post_of(&x, &format!("Matrix news {n}"));
            let published = self.admin(
                crate::posts::PUBLISH_POST,
                json!({ "input": { "id": id, "version": version } }),
            );
            let version = published["publishPost"]["post"]["version"].as_i64().expect("version");
            Posts {
                draft,
                published: (id, version),
            }
        });
        Fixture {
            x,
            x_version,
            member,
            partnership,
            story,
            grantee,
            event,
            post,
            cnfi: self.cnfi.clone(),
        }
    }

    /// A DRAFT NEWS post of X by an administrator: its ID and version.
    fn post_of(&self, x: &str, title: &str) -> (String, i64) {
        let created = self.admin(
            crate::posts::CREATE_POST,
            json!({ "input": crate::posts::news(x, title) }),
        );
        let post = &created["createPost"]["post"];
        (
            post["id"].as_str().expect("post ID").to_owned(),
            post["version"].as_i64().expect("version"),
        )
    }

    /// An OPEN event (by an administrator) named `name`, opened: its ID and version.
    fn open_event(&self, name: &str) -> (String, i64) {
        let mut input = crate::matchmaking::event_input();
        input["name"] = json!(name);
        let created = self.admin(crate::matchmaking::CREATE_EVENT, json!({ "input": input }));
        let event = &created["createMatchmakingEvent"]["matchmakingEvent"];
        let id = event["id"].as_str().expect("event ID").to_owned();
        let opened = self.admin(
            &crate::matchmaking::change_status("openMatchmakingEvent"),
            json!({ "input": { "id": id, "version": event["version"] } }),
        );
        let version = opened["openMatchmakingEvent"]["matchmakingEvent"]["version"]
            .as_i64()
            .expect("version");
        (id, version)
    }

    /// Registers a cluster for an event as an administrator, approved unless `pending`.
    fn participant(&self, event: &str, cluster: &str, pending: bool) -> String {
        let registered = self.admin(
            crate::matchmaking::REGISTER,
            json!({ "input": { "eventId": event, "clusterId": cluster, "availableSlots": [0, 1, 2], "maxMeetings": 5 } }),
        );
        let id = registered["registerParticipant"]["participant"]["id"]
            .as_str()
            .expect("participant ID")
            .to_owned();
        if !pending {
            self.admin(
                crate::matchmaking::APPROVE,
                json!({ "input": { "id": id, "version": 1 } }),
            );
        }
        id
    }

    fn event_around(&self, x: &str, n: u32, stage: Stage) -> Event {
        let name = format!("Matrix Event {n}");
        let (id, version) = self.open_event(&name);
        let (other, _) = self.open_event(&format!("Matrix Event {n} bis"));
        let cluster = |name: &str| self.cluster(&format!("Matrix Cluster {name}{n}"), "DRAFT").0;
        let (y, v, w) = (cluster("Y"), cluster("V"), cluster("W"));
        let x = self.participant(&id, x, false);
        let y = self.participant(&id, &y, false);
        let v = self.participant(&id, &v, false);
        let w = self.participant(&id, &w, true);
        let requested = self.admin(
            crate::matchmaking::REQUEST,
            json!({ "input": { "eventId": id, "fromParticipantId": y, "toParticipantId": x } }),
        );
        let request = requested["requestMeeting"]["meeting"]["id"]
            .as_str()
            .expect("meeting ID")
            .to_owned();
        let held = matches!(stage, Stage::Accepted | Stage::Finished).then(|| {
            let added = self.admin(
                mutation!("addMeeting", "AddMeetingInput", "meeting { id }"),
                json!({ "input": { "eventId": id, "fromParticipantId": x, "toParticipantId": v } }),
            );
            let held = added["addMeeting"]["meeting"]["id"]
                .as_str()
                .expect("meeting ID")
                .to_owned();
            self.admin(
                mutation!("pinMeeting", "PinMeetingInput", "meeting { id }"),
                json!({ "input": { "id": held, "slot": 0, "tableNumber": 0 } }),
            );
            held
        });
        let status = match stage {
            Stage::Open | Stage::Closed | Stage::Accepted => None,
            Stage::Draft => Some("DRAFT"),
            Stage::Scheduled => Some("SCHEDULED"),
            Stage::Finished => Some("FINISHED"),
        };
        if let Some(status) = status {
            let ten_days_ago = chrono::Utc::now().date_naive() - chrono::Duration::days(10);
            let back_dated = if stage == Stage::Finished {
                format!(
                    "; UPDATE matchmaking_session SET day = '{ten_days_ago}' WHERE event_id IN \
                     (SELECT id FROM matchmaking_event WHERE name = '{name}')"
                )
            } else {
                String::new()
            };
            self.app.sql(&format!(
                "UPDATE matchmaking_event SET status = '{status}' WHERE name = '{name}'{back_dated}"
            ));
        }
        Event {
            id,
            version,
            other,
            x,
            v,
            w,
            request,
            held,
        }
    }

    /// Everything a case could change, as an administrator sees it: X with its members, P, S,
    /// the directory's counts, CNFI's API keys, the length of the audit log; and the grantee's
    /// roles as a fresh sign-in of its own shows them.
    fn snapshot(&self, f: &Fixture) -> Value {
        let mut fields = vec![
            format!(
                r#"x: cluster(id: "{}") {{ id slug name country status version description reviewNote updatedAt
                   representedBy {{ id }} contact {{ email }}
                   members(first: 10) {{ totalCount nodes {{ id name kind country website updatedAt }} }} }}"#,
                f.x
            ),
            "all: clusters(filter: {statuses: [DRAFT, NEEDS_REVIEW, PUBLISHED, ARCHIVED]}) { totalCount }".to_owned(),
            "stories: successStories(filter: {status: DRAFT}) { totalCount }".to_owned(),
            format!(r#"apiKeys(partnerOrganisationId: "{}") {{ id }}"#, f.cnfi),
            "audit: auditLog { totalCount }".to_owned(),
            "events: matchmakingEvents { totalCount }".to_owned(),
            format!(
                r#"xPosts: cluster(id: "{}") {{ posts(first: 10) {{ totalCount }} }}"#,
                f.x
            ),
        ];
        if let Some(p) = &f.post {
            fields.push(format!(
                r#"post: post(id: "{}") {{ id title status version }}
                   published: post(id: "{}") {{ id status version unpublishReason }}"#,
                p.draft.0, p.published.0
            ));
        }
        if let Some(e) = &f.event {
            fields.push(format!(
                r#"event: matchmakingEvent(id: "{}") {{ status version tableCount
                   participants {{ totalCount nodes {{ id status version agendaLinkCreatedAt }} }}
                   meetings {{ totalCount nodes {{ id state version outcome {{ kind version }} }} }} }}
                   other: matchmakingEvent(id: "{}") {{ participants {{ totalCount }} }}"#,
                e.id, e.other
            ));
        }
        if let Some(p) = &f.partnership {
            fields.push(format!(
                r#"partnership(id: "{}") {{ id name description status version updatedAt
                   members {{ totalCount edges {{ role invitationState node {{ id }} }} }} }}"#,
                p.id
            ));
        }
        if let Some(s) = &f.story {
            fields.push(format!(
                r#"story: successStory(id: "{}") {{ id title summary status moderationNote version updatedAt clusters {{ nodes {{ id }} }} }}"#,
                s.id
            ));
        }
        let mut snapshot = self.admin(&format!("{{ {} }}", fields.join("\n")), json!({}));
        if let Some(grantee) = &f.grantee {
            let login = self.app.query(
                "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { accessToken } }",
                json!({ "email": grantee.email, "password": GRANTEE_PASSWORD }),
            );
            let token = login.data()["login"]["accessToken"]
                .as_str()
                .expect("access token")
                .to_owned();
            let me = self.app.post(
                Some(&token),
                "{ me { role countries clusters { id } partnerOrganisations { id } } }",
                json!({}),
            );
            snapshot["grantee"] = me.data()["me"].clone();
        }
        snapshot
    }

    /// Runs one write case for every caller: first those that must be refused, on one shared set
    /// of fixtures that must come out unchanged; then each that may write, on a set of its own.
    fn run(&self, case: &Case) -> Vec<Check> {
        let mut shared = self.fixture(case.setup);
        let mut before = self.snapshot(&shared);
        let mut checks: Vec<Option<Check>> = EVERYONE.iter().map(|_| None).collect();
        for (slot, &who) in checks.iter_mut().zip(&EVERYONE) {
            let expected = who.expected(case.allowed);
            if expected != "ok" {
                let mut check = self.try_write(case, who, &shared, expected);
                let changed = differences(&before, &self.snapshot(&shared));
                if !changed.is_empty() {
                    check.fail(format!(
                        "{} as {}: the write that should have been refused changed {}",
                        case.name,
                        who.label(),
                        changed.join(", ")
                    ));
                    // The next caller starts on untouched fixtures again.
                    shared = self.fixture(case.setup);
                    before = self.snapshot(&shared);
                }
                *slot = Some(check);
            }
        }
        for (slot, &who) in checks.iter_mut().zip(&EVERYONE) {
            if slot.is_none() {
                let own = self.fixture(case.setup);
                *slot = Some(self.try_write(case, who, &own, "ok"));
            }
        }
        checks.into_iter().map(|c| c.expect("every caller checked")).collect()
    }

    fn try_write(&self, case: &Case, who: Who, f: &Fixture, expected: &'static str) -> Check {
        let before = (expected == "ok").then(|| self.snapshot(f));
        let token = self.token(who, &f.x);
        let reply = self
            .app
            .post(token.as_deref(), case.mutation, json!({ "input": (case.input)(f) }));
        let mut check = Check::of(outcome(&reply), expected, || {
            format!(
                "{} as {}: expected {expected}, got {}",
                case.name,
                who.label(),
                reply.body
            )
        });
        if check.problem.is_some() {
            return check;
        }
        if let Some(before) = before {
            let after = self.snapshot(f);
            let entries = |s: &Value| s["audit"]["totalCount"].as_i64().unwrap_or(-1);
            if entries(&after) != entries(&before) + 1 {
                check.fail(format!(
                    "{} as {}: the write left {} audit entries instead of one",
                    case.name,
                    who.label(),
                    entries(&after) - entries(&before)
                ));
            } else if before.pointer(case.changes) == after.pointer(case.changes) {
                check.fail(format!(
                    "{} as {}: accepted, but {} did not change ({:?})",
                    case.name,
                    who.label(),
                    case.changes,
                    after.pointer(case.changes)
                ));
            }
        }
        check
    }
}

/// Where two snapshots differ: `/x/status: "DRAFT" → "PUBLISHED"`.
fn differences(before: &Value, after: &Value) -> Vec<String> {
    fn walk(path: String, a: &Value, b: &Value, out: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                    let (x, y) = (a.get(key).unwrap_or(&Value::Null), b.get(key).unwrap_or(&Value::Null));
                    walk(format!("{path}/{key}"), x, y, out);
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    walk(format!("{path}/{i}"), x, y, out);
                }
            }
            _ if a != b => out.push(format!("{path}: {a} → {b}")),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(String::new(), before, after, &mut out);
    out
}

/// "ok", or the code of the first error.
fn outcome(reply: &Reply) -> String {
    match reply.body.get("errors") {
        None => "ok".to_owned(),
        Some(errors) => errors[0]["extensions"]["code"].as_str().unwrap_or("NO_CODE").to_owned(),
    }
}

/// One caller's cell in the matrix.
struct Check {
    shown: String,
    problem: Option<String>,
}

impl Check {
    /// The cell showing `actual`; a problem, as `detail` tells it, unless that is `expected`.
    fn of(actual: String, expected: &str, detail: impl FnOnce() -> String) -> Self {
        let shown = match actual.as_str() {
            "UNAUTHENTICATED" => "unauth".to_owned(),
            "FORBIDDEN" => "forbid".to_owned(),
            other => other.to_lowercase(),
        };
        let mut check = Check { shown, problem: None };
        if actual != expected {
            check.fail(detail());
        }
        check
    }

    fn fail(&mut self, problem: String) {
        if !self.shown.ends_with('!') {
            self.shown.push('!');
        }
        self.problem = Some(match self.problem.take() {
            Some(earlier) => format!("{earlier}\n{problem}"),
            None => problem,
        });
    }
}

/// The grid of one test: printed at the end, failing with every problem found.
struct Report {
    title: &'static str,
    rows: Vec<String>,
    problems: Vec<String>,
}

impl Report {
    fn new(title: &'static str) -> Self {
        Report {
            title,
            rows: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn add(&mut self, case: &str, checks: Vec<Check>) {
        assert_eq!(checks.len(), EVERYONE.len());
        let mut row = format!("  {case:<46}");
        for check in checks {
            row.push_str(&format!(" {:<8}", check.shown));
            self.problems.extend(check.problem);
        }
        self.rows.push(row);
    }

    fn run_all(&mut self, world: &World, cases: &[Case]) {
        for case in cases {
            let checks = world.run(case);
            self.add(case.name, checks);
        }
    }

    fn finish(self) {
        let cases = self.rows.len();
        let mut out = format!(
            "authorization matrix, {}: {cases} cases × {} callers = {} checks\n  {:<46}",
            self.title,
            EVERYONE.len(),
            cases * EVERYONE.len(),
            "case"
        );
        for who in EVERYONE {
            out.push_str(&format!(" {:<8}", who.label()));
        }
        for row in &self.rows {
            out.push('\n');
            out.push_str(row);
        }
        println!("{out}");
        assert!(
            self.problems.is_empty(),
            "{} of the {} authorization checks failed:\n{}",
            self.problems.len(),
            self.title,
            self.problems.join("\n")
        );
    }
}

#[test]
fn cluster_profile_edits() {
    let world = World::new();
    let cases = [
        Case {
            name: "updateCluster(X) description",
            setup: X_ONLY,
            mutation: UPDATE_CLUSTER,
            input: |f| json!({ "id": f.x, "version": f.x_version, "description": "Edited in the matrix." }),
            allowed: EDITORS,
            changes: "/x/description",
        },
        Case {
            name: "createMember(X)",
            setup: X_ONLY,
            mutation: mutation!("createMember", "CreateMemberInput", "member { id }"),
            input: |f| json!({ "clusterId": f.x, "name": "Matrix Newcomer", "kind": "START_UP", "country": "TW" }),
            allowed: EDITORS,
            changes: "/x/members/totalCount",
        },
        Case {
            name: "updateMember(member of X)",
            setup: WITH_MEMBER,
            mutation: mutation!("updateMember", "UpdateMemberInput", "member { id name }"),
            input: |f| json!({ "id": f.member(), "name": "Matrix Member, renamed", "website": "https://member.example.tw" }),
            allowed: EDITORS,
            changes: "/x/members/nodes/0",
        },
        Case {
            name: "deleteMember(member of X)",
            setup: WITH_MEMBER,
            mutation: mutation!("deleteMember", "DeleteMemberInput", "deletedMemberId"),
            input: |f| json!({ "id": f.member() }),
            allowed: EDITORS,
            changes: "/x/members/totalCount",
        },
        Case {
            name: "submitClusterForReview(X, DRAFT)",
            setup: X_ONLY,
            mutation: mutation!("submitClusterForReview", "ReviewClusterInput", "cluster { status }"),
            input: |f| json!({ "id": f.x, "version": f.x_version }),
            allowed: EDITORS,
            changes: "/x/status",
        },
        Case {
            name: "inviteClusterManager(X)",
            setup: X_ONLY,
            mutation: mutation!(
                "inviteClusterManager",
                "InviteClusterManagerInput",
                "invitation { email }"
            ),
            input: |f| json!({ "clusterId": f.x, "email": "colleague@matrix.example.tw" }),
            allowed: EDITORS,
            changes: "/audit/totalCount",
        },
    ];
    let mut report = Report::new("cluster profile edits");
    report.run_all(&world, &cases);
    report.finish();
}

#[test]
fn cluster_registration_and_review() {
    let world = World::new();
    let cases = [
        Case {
            name: "createCluster(TW)",
            setup: X_ONLY,
            mutation: CREATE_CLUSTER,
            input: |_| json!({ "name": "Matrix Registered Cluster", "kind": "INDUSTRY_ASSOCIATION", "country": "TW" }),
            allowed: REVIEWERS,
            changes: "/all/totalCount",
        },
        Case {
            name: "registerClusters([TW])",
            setup: X_ONLY,
            mutation: mutation!("registerClusters", "RegisterClustersInput", "clusters { id }"),
            input: |_| json!({ "clusters": [{ "name": "Matrix Bulk Cluster", "kind": "INDUSTRY_ASSOCIATION", "country": "TW" }] }),
            allowed: REVIEWERS,
            changes: "/all/totalCount",
        },
        Case {
            name: "deleteCluster(X)",
            setup: EVERYTHING,
            mutation: mutation!("deleteCluster", "DeleteClusterInput", "deletedClusterId"),
            input: |f| json!({ "id": f.x }),
            allowed: REVIEWERS,
            changes: "/x",
        },
        Case {
            name: "publishCluster(X, NEEDS_REVIEW) with waiver",
            setup: X_IN_REVIEW,
            mutation: mutation!("publishCluster", "PublishClusterInput", "cluster { status }"),
            input: |f| json!({ "id": f.x, "version": f.x_version, "waiverReason": "A national programme recognises it." }),
            allowed: REVIEWERS,
            changes: "/x/status",
        },
        Case {
            name: "rejectCluster(X, NEEDS_REVIEW)",
            setup: X_IN_REVIEW,
            mutation: mutation!("rejectCluster", "RejectClusterInput", "cluster { status }"),
            input: |f| json!({ "id": f.x, "version": f.x_version, "reason": "Add your members first." }),
            allowed: REVIEWERS,
            changes: "/x/status",
        },
        Case {
            name: "updateCluster(X) status: PUBLISHED",
            setup: X_ONLY,
            mutation: UPDATE_CLUSTER,
            input: |f| json!({ "id": f.x, "version": f.x_version, "status": "PUBLISHED" }),
            allowed: ADMIN_ONLY,
            changes: "/x/status",
        },
        Case {
            name: "updateCluster(X) country: DE",
            setup: X_ONLY,
            mutation: UPDATE_CLUSTER,
            input: |f| json!({ "id": f.x, "version": f.x_version, "country": "DE" }),
            allowed: ADMIN_ONLY,
            changes: "/x/country",
        },
    ];
    let mut report = Report::new("cluster registration and review");
    report.run_all(&world, &cases);
    report.finish();
}

#[test]
fn partnerships_coordinated_by_x() {
    let world = World::new();
    let cases = [
        Case {
            name: "updatePartnership(P)",
            setup: WITH_PARTNERSHIP,
            mutation: mutation!("updatePartnership", "UpdatePartnershipInput", "partnership { version }"),
            input: |f| json!({ "id": f.partnership().id, "version": f.partnership().version, "description": "Edited.", "status": "ACTIVE" }),
            allowed: EDITORS,
            changes: "/partnership/version",
        },
        Case {
            name: "deletePartnership(P)",
            setup: WITH_PARTNERSHIP,
            mutation: mutation!("deletePartnership", "DeletePartnershipInput", "deletedPartnershipId"),
            input: |f| json!({ "id": f.partnership().id }),
            allowed: EDITORS,
            changes: "/partnership",
        },
        Case {
            name: "addPartnershipMember(P, Z)",
            setup: WITH_PARTNERSHIP,
            mutation: mutation!(
                "addPartnershipMember",
                "AddPartnershipMemberInput",
                "partnership { version }"
            ),
            input: |f| json!({ "partnershipId": f.partnership().id, "clusterId": f.partnership().z }),
            allowed: EDITORS,
            changes: "/partnership/members/totalCount",
        },
        Case {
            name: "removePartnershipMember(P, Y)",
            setup: WITH_PARTNERSHIP,
            mutation: mutation!(
                "removePartnershipMember",
                "RemovePartnershipMemberInput",
                "partnership { version }"
            ),
            input: |f| json!({ "partnershipId": f.partnership().id, "clusterId": f.partnership().y }),
            allowed: EDITORS,
            changes: "/partnership/members/totalCount",
        },
    ];
    let mut report = Report::new("partnerships coordinated by X");
    report.run_all(&world, &cases);
    report.finish();
}

#[test]
fn success_stories_involving_x() {
    let world = World::new();
    let cases = [
        Case {
            name: "createSuccessStory([X])",
            setup: X_ONLY,
            mutation: mutation!("createSuccessStory", "CreateSuccessStoryInput", "successStory { id }"),
            input: |f| json!({ "title": "A matrix story", "summary": "It worked.", "outcome": "TRADE", "clusterIds": [f.x] }),
            allowed: EDITORS,
            changes: "/stories/totalCount",
        },
        Case {
            name: "updateSuccessStory(S)",
            setup: WITH_STORY,
            mutation: mutation!(
                "updateSuccessStory",
                "UpdateSuccessStoryInput",
                "successStory { version }"
            ),
            input: |f| json!({ "id": f.story().id, "version": f.story().version, "title": "A retold matrix story" }),
            allowed: EDITORS,
            changes: "/story/version",
        },
        Case {
            name: "deleteSuccessStory(S)",
            setup: WITH_STORY,
            mutation: mutation!("deleteSuccessStory", "DeleteSuccessStoryInput", "deletedSuccessStoryId"),
            input: |f| json!({ "id": f.story().id }),
            allowed: EDITORS,
            changes: "/story",
        },
        Case {
            name: "submitSuccessStory(S)",
            setup: WITH_STORY,
            mutation: mutation!("submitSuccessStory", "SuccessStoryStepInput", "successStory { status }"),
            input: |f| json!({ "id": f.story().id, "version": f.story().version }),
            allowed: EDITORS,
            changes: "/story/status",
        },
        Case {
            name: "publishSuccessStory(S)",
            setup: WITH_SUBMITTED_STORY,
            mutation: mutation!(
                "publishSuccessStory",
                "SuccessStoryStepInput",
                "successStory { status }"
            ),
            input: |f| json!({ "id": f.story().id, "version": f.story().version }),
            allowed: REVIEWERS,
            changes: "/story/status",
        },
        Case {
            name: "returnSuccessStory(S)",
            setup: WITH_SUBMITTED_STORY,
            mutation: mutation!(
                "returnSuccessStory",
                "ReturnSuccessStoryInput",
                "successStory { status }"
            ),
            input: |f| json!({ "id": f.story().id, "version": f.story().version, "reason": "Name the outcome." }),
            allowed: REVIEWERS,
            changes: "/story/moderationNote",
        },
    ];
    let mut report = Report::new("success stories involving X");
    report.run_all(&world, &cases);
    report.finish();
}

const GRANT_ROLE: &str = mutation!("grantRole", "GrantRoleInput", "user { id }");

#[test]
fn roles_and_api_keys() {
    let world = World::new();
    let cases = [
        Case {
            name: "grantRole(ADMIN)",
            setup: WITH_GRANTEE,
            mutation: GRANT_ROLE,
            input: |f| json!({ "userId": f.grantee().id, "role": "ADMIN" }),
            allowed: ADMIN_ONLY,
            changes: "/grantee/role",
        },
        Case {
            name: "grantRole(PARTNER of CNFI)",
            setup: WITH_GRANTEE,
            mutation: GRANT_ROLE,
            input: |f| json!({ "userId": f.grantee().id, "role": "PARTNER", "partnerOrganisationId": f.cnfi }),
            allowed: ADMIN_ONLY,
            changes: "/grantee/role",
        },
        Case {
            name: "grantRole(CLUSTER_MANAGER of X)",
            setup: WITH_GRANTEE,
            mutation: GRANT_ROLE,
            input: |f| json!({ "userId": f.grantee().id, "role": "CLUSTER_MANAGER", "clusterId": f.x }),
            allowed: REVIEWERS,
            changes: "/grantee/clusters",
        },
        Case {
            name: "createApiKey(CNFI)",
            setup: X_ONLY,
            mutation: mutation!("createApiKey", "CreateApiKeyInput", "key apiKey { id }"),
            input: |f| json!({ "name": "Matrix key", "partnerOrganisationId": f.cnfi }),
            allowed: REVIEWERS,
            changes: "/apiKeys",
        },
    ];
    let mut report = Report::new("roles and API keys");
    report.run_all(&world, &cases);
    report.finish();
}

const AUDIT_PAGE: &str = r#"query($after: String) { auditLog(first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { country } } }"#;

impl World {
    /// The whole audit log as `who` may read it: its total and every entry's country; or the code
    /// of the error.
    fn audit_log(&self, token: Option<&str>) -> Result<(i64, Vec<Option<String>>), String> {
        let mut after = Value::Null;
        let mut countries = Vec::new();
        loop {
            let reply = self.app.post(token, AUDIT_PAGE, json!({ "after": after }));
            if reply.body.get("errors").is_some() {
                return Err(outcome(&reply));
            }
            let page = &reply.data()["auditLog"];
            let nodes = page["nodes"].as_array().expect("audit entries");
            countries.extend(nodes.iter().map(|n| n["country"].as_str().map(str::to_owned)));
            if page["pageInfo"]["hasNextPage"] != true {
                return Ok((page["totalCount"].as_i64().expect("totalCount"), countries));
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
    }
}

#[test]
fn protected_reads() {
    let world = World::new();
    let mut report = Report::new("protected reads");

    // The audit log: administrators read all of it, partners their countries' part, nobody else.
    let (x, _, _) = world.cluster("Matrix Audited Cluster", "DRAFT");
    let (total, everything) = world
        .audit_log(TestApp::admin().as_deref())
        .expect("the admin's audit log");
    let in_country = |c: &str| everything.iter().filter(|e| e.as_deref() == Some(c)).count();
    assert!(
        in_country("TW") > 0 && in_country("DE") > 0,
        "the demo data leaves audit entries for TW and DE"
    );
    let checks = EVERYONE
        .iter()
        .map(|&who| {
            let read = world.audit_log(world.token(who, &x).as_deref());
            let expected = match who {
                Anonymous => "UNAUTHENTICATED",
                User | ManagerOfX | ManagerOfOther => "FORBIDDEN",
                PartnerTw | PartnerDe | Admin => "ok",
            };
            let actual = read.clone().err().unwrap_or_else(|| "ok".into());
            let mut check = Check::of(actual, expected, || {
                format!("auditLog as {}: expected {expected}, got {read:?}", who.label())
            });
            if let Ok((count, entries)) = read {
                let scope = match who {
                    PartnerTw => Some("TW"),
                    PartnerDe => Some("DE"),
                    _ => None,
                };
                let problem = match scope {
                    Some(country) if entries.iter().any(|e| e.as_deref() != Some(country)) => {
                        Some(format!("sees entries of other countries than {country}"))
                    }
                    Some(country) if entries.len() != in_country(country) || count != entries.len() as i64 => Some(
                        format!("sees {count} entries, not the {} of {country}", in_country(country)),
                    ),
                    None if count != total || entries.len() != everything.len() => {
                        Some(format!("sees {count} entries, not all {total}"))
                    }
                    _ => None,
                };
                if let Some(problem) = problem {
                    check.fail(format!("auditLog as {}: {problem}", who.label()));
                }
            }
            check
        })
        .collect();
    report.add("auditLog (partners: their countries only)", checks);

    // Contact details are for signed-in callers.
    let checks = EVERYONE
        .iter()
        .map(|&who| {
            let reply = world.app.post(
                world.token(who, &x).as_deref(),
                r#"{ clusterBySlug(slug: "tpca") { contact { email } } }"#,
                json!({}),
            );
            let email = &reply.data()["clusterBySlug"]["contact"]["email"];
            let shown = if email.is_string() { "email" } else { "null" };
            let expected = if who == Anonymous { "null" } else { "email" };
            Check::of(shown.to_owned(), expected, || {
                format!(
                    "tpca's contact as {}: expected {expected}, got {}",
                    who.label(),
                    reply.body
                )
            })
        })
        .collect();
    report.add("cluster(tpca) { contact { email } }", checks);

    // Unpublished profiles are for those who look after them.
    for status in ["DRAFT", "NEEDS_REVIEW"] {
        let (x, slug, _) = world.cluster(&format!("Matrix Unpublished {status}"), status);
        let checks = EVERYONE
            .iter()
            .map(|&who| {
                let reply = world.app.post(
                    world.token(who, &x).as_deref(),
                    r#"query($id: ID!, $slug: String!, $status: ClusterStatus!) {
                        cluster(id: $id) { id } clusterBySlug(slug: $slug) { id } node(id: $id) { id }
                        clusters(filter: {statuses: [$status], countries: ["TW"]}, first: 20) { nodes { id } } }"#,
                    json!({ "id": x, "slug": slug, "status": status }),
                );
                let data = reply.data();
                let views = [
                    data["cluster"]["id"] == x.as_str(),
                    data["clusterBySlug"]["id"] == x.as_str(),
                    data["node"]["id"] == x.as_str(),
                    data["clusters"]["nodes"]
                        .as_array()
                        .is_some_and(|nodes| nodes.iter().any(|n| n["id"] == x.as_str())),
                ];
                let shown = match views.iter().filter(|&&seen| seen).count() {
                    0 => "hidden",
                    4 => "seen",
                    _ => "partly",
                };
                let expected = if EDITORS.contains(&who) { "seen" } else { "hidden" };
                Check::of(shown.to_owned(), expected, || {
                    format!("{status} X as {}: expected {expected}, got {}", who.label(), reply.body)
                })
            })
            .collect();
        report.add(&format!("{status} X: by id, slug, node and in lists"), checks);
    }
    report.finish();
}

#[test]
fn matchmaking_around_x() {
    let world = World::new();
    let cases = [
        Case {
            name: "createMatchmakingEvent(TW)",
            setup: X_ONLY,
            mutation: crate::matchmaking::CREATE_EVENT,
            input: |_| crate::matchmaking::event_input(),
            allowed: REVIEWERS,
            changes: "/events/totalCount",
        },
        Case {
            name: "updateMatchmakingEvent(E)",
            setup: WITH_EVENT,
            mutation: mutation!(
                "updateMatchmakingEvent",
                "UpdateMatchmakingEventInput",
                "matchmakingEvent { version }"
            ),
            input: |f| json!({ "id": f.event().id, "version": f.event().version, "tableCount": 12 }),
            allowed: REVIEWERS,
            changes: "/event/tableCount",
        },
        Case {
            name: "closeMatchmakingEvent(E)",
            setup: WITH_EVENT,
            mutation: mutation!(
                "closeMatchmakingEvent",
                "ChangeMatchmakingEventStatusInput",
                "matchmakingEvent { status }"
            ),
            input: |f| json!({ "id": f.event().id, "version": f.event().version }),
            allowed: REVIEWERS,
            changes: "/event/status",
        },
        Case {
            name: "registerParticipant(E2, X)",
            setup: WITH_EVENT,
            mutation: crate::matchmaking::REGISTER,
            input: |f| json!({ "eventId": f.event().other, "clusterId": f.x, "availableSlots": [0], "maxMeetings": 3 }),
            allowed: EDITORS,
            changes: "/other/participants/totalCount",
        },
        Case {
            name: "approveParticipant(W)",
            setup: WITH_EVENT,
            mutation: crate::matchmaking::APPROVE,
            input: |f| json!({ "id": f.event().w, "version": 1 }),
            allowed: REVIEWERS,
            changes: "/event/participants",
        },
        Case {
            name: "rejectParticipant(W)",
            setup: WITH_EVENT,
            mutation: mutation!("rejectParticipant", "ReviewParticipantInput", "participant { status }"),
            input: |f| json!({ "id": f.event().w, "version": 1, "reason": "Register your association instead." }),
            allowed: REVIEWERS,
            changes: "/event/participants",
        },
        Case {
            name: "cancelMatchmakingEvent(E)",
            setup: WITH_EVENT,
            mutation: mutation!(
                "cancelMatchmakingEvent",
                "ChangeMatchmakingEventStatusInput",
                "matchmakingEvent { status }"
            ),
            input: |f| json!({ "id": f.event().id, "version": f.event().version }),
            allowed: REVIEWERS,
            changes: "/event/status",
        },
        Case {
            name: "requestMeeting(X → V)",
            setup: WITH_EVENT,
            mutation: crate::matchmaking::REQUEST,
            input: |f| json!({ "eventId": f.event().id, "fromParticipantId": f.event().x, "toParticipantId": f.event().v }),
            allowed: EDITORS,
            changes: "/event/meetings/totalCount",
        },
        Case {
            name: "acceptMeeting(Y → X)",
            setup: WITH_EVENT,
            mutation: mutation!("acceptMeeting", "AcceptMeetingInput", "meeting { state }"),
            input: |f| json!({ "id": f.event().request }),
            allowed: EDITORS,
            changes: "/event/meetings/nodes/0/state",
        },
        Case {
            name: "declineMeeting(Y → X)",
            setup: WITH_EVENT,
            mutation: mutation!("declineMeeting", "EndMeetingInput", "meeting { state }"),
            input: |f| json!({ "id": f.event().request, "reason": "Not this time." }),
            allowed: EDITORS,
            changes: "/event/meetings/nodes/0/state",
        },
        Case {
            name: "cancelMeeting(Y → X)",
            setup: WITH_EVENT,
            mutation: mutation!("cancelMeeting", "EndMeetingInput", "meeting { state }"),
            input: |f| json!({ "id": f.event().request, "reason": "Plans changed." }),
            allowed: EDITORS,
            changes: "/event/meetings/nodes/0/state",
        },
        Case {
            name: "addMeeting(X, V)",
            setup: WITH_EVENT,
            mutation: mutation!("addMeeting", "AddMeetingInput", "meeting { state }"),
            input: |f| json!({ "eventId": f.event().id, "fromParticipantId": f.event().x, "toParticipantId": f.event().v }),
            allowed: REVIEWERS,
            changes: "/event/meetings/totalCount",
        },
        Case {
            name: "scheduleEvent(E)",
            setup: WITH_CLOSED_EVENT,
            mutation: mutation!("scheduleEvent", "ScheduleEventInput", "matchmakingEvent { status }"),
            input: |f| json!({ "eventId": f.event().id, "version": f.event().version }),
            allowed: REVIEWERS,
            changes: "/event/status",
        },
        Case {
            name: "createAgendaLink(X)",
            setup: WITH_EVENT,
            mutation: mutation!("createAgendaLink", "AgendaLinkInput", "url"),
            input: |f| json!({ "participantId": f.event().x }),
            allowed: EDITORS,
            changes: "/event/participants",
        },
        Case {
            name: "revokeAgendaLink(X)",
            setup: WITH_AGENDA_LINK,
            mutation: mutation!("revokeAgendaLink", "AgendaLinkInput", "revoked"),
            input: |f| json!({ "participantId": f.event().x }),
            allowed: EDITORS,
            changes: "/event/participants",
        },
    ];
    let mut report = Report::new("matchmaking around X");
    report.run_all(&world, &cases);
    let later = [
        Case {
            name: "openMatchmakingEvent(E, a draft)",
            setup: WITH_DRAFT_EVENT,
            mutation: mutation!(
                "openMatchmakingEvent",
                "ChangeMatchmakingEventStatusInput",
                "matchmakingEvent { status }"
            ),
            input: |f| json!({ "id": f.event().id, "version": f.event().version }),
            allowed: REVIEWERS,
            changes: "/event/status",
        },
        Case {
            name: "finishMatchmakingEvent(E, scheduled)",
            setup: WITH_SCHEDULED_EVENT,
            mutation: mutation!(
                "finishMatchmakingEvent",
                "ChangeMatchmakingEventStatusInput",
                "matchmakingEvent { status }"
            ),
            input: |f| json!({ "id": f.event().id, "version": f.event().version }),
            allowed: REVIEWERS,
            changes: "/event/status",
        },
        Case {
            name: "updateParticipant(X)",
            setup: WITH_EVENT,
            mutation: mutation!("updateParticipant", "UpdateParticipantInput", "participant { version }"),
            input: |f| json!({ "id": f.event().x, "version": 2, "availableSlots": [1, 2], "maxMeetings": 4 }),
            allowed: EDITORS,
            changes: "/event/participants",
        },
        Case {
            name: "pinMeeting(X, V → slot 1)",
            setup: WITH_ACCEPTED_MEETING,
            mutation: mutation!("pinMeeting", "PinMeetingInput", "meeting { slot }"),
            input: |f| json!({ "id": f.event().held(), "slot": 1, "tableNumber": 1 }),
            allowed: REVIEWERS,
            changes: "/event/meetings/nodes/1/version",
        },
        Case {
            name: "unpinMeeting(X, V)",
            setup: WITH_ACCEPTED_MEETING,
            mutation: mutation!("unpinMeeting", "UnpinMeetingInput", "meeting { pinned }"),
            input: |f| json!({ "id": f.event().held() }),
            allowed: REVIEWERS,
            changes: "/event/meetings/nodes/1/version",
        },
        Case {
            name: "recordMeetingOutcome(X, V held)",
            setup: WITH_FINISHED_EVENT,
            mutation: mutation!("recordMeetingOutcome", "RecordMeetingOutcomeInput", "outcome { kind }"),
            input: |f| {
                let date = chrono::Utc::now().date_naive() - chrono::Duration::days(5);
                json!({ "meetingId": f.event().held(), "kind": "MOU", "date": date.to_string() })
            },
            allowed: EDITORS,
            changes: "/event/meetings/nodes/1/outcome",
        },
    ];
    report.run_all(&world, &later);
    report.finish();
}

#[test]
fn posts_of_x() {
    let world = World::new();
    let cases = [
        Case {
            name: "createPost(X)",
            setup: X_ONLY,
            mutation: crate::posts::CREATE_POST,
            input: |f| crate::posts::news(&f.x, "Matrix news of X"),
            allowed: EDITORS,
            changes: "/xPosts/posts/totalCount",
        },
        Case {
            name: "updatePost(Q)",
            setup: WITH_POST,
            mutation: crate::posts::UPDATE_POST,
            input: |f| json!({ "id": f.posts().draft.0, "version": f.posts().draft.1, "title": "Retitled" }),
            allowed: EDITORS,
            changes: "/post/title",
        },
        Case {
            name: "publishPost(Q)",
            setup: WITH_POST,
            mutation: crate::posts::PUBLISH_POST,
            input: |f| json!({ "id": f.posts().draft.0, "version": f.posts().draft.1 }),
            allowed: EDITORS,
            changes: "/post/status",
        },
        Case {
            name: "unpublishPost(Q2)",
            setup: WITH_POST,
            mutation: crate::posts::UNPUBLISH_POST,
            input: |f| json!({ "id": f.posts().published.0, "version": f.posts().published.1, "reason": "Off topic." }),
            allowed: REVIEWERS,
            changes: "/published/status",
        },
        Case {
            name: "deletePost(Q)",
            setup: WITH_POST,
            mutation: crate::posts::DELETE_POST,
            input: |f| json!({ "id": f.posts().draft.0, "version": f.posts().draft.1 }),
            allowed: EDITORS,
            changes: "/post",
        },
    ];
    let mut report = Report::new("posts of X");
    report.run_all(&world, &cases);
    report.finish();
}
