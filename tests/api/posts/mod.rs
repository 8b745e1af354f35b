//! Posts (issue 16.1): publishing and moderation per role, who sees drafts and the reason of an
//! unpublished post, bodies sanitised through the API, validation and stale versions; the feeds
//! in `feeds`.

mod feeds;
pub(crate) mod languages;

use clusterbridge::{auth::Role, seed::DEMO_ACCOUNTS};
use serde_json::{json, Value};

use crate::support::{Reply, TestApp};

pub const CREATE_POST: &str = r#"mutation($input: CreatePostInput!) { createPost(input: $input) {
    post { id kind title status version bodyHtml publishedAt unpublishReason } } }"#;
pub const UPDATE_POST: &str =
    r#"mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id title version bodyHtml } } }"#;
pub const PUBLISH_POST: &str =
    r#"mutation($input: ChangePostInput!) { publishPost(input: $input) { post { id status version publishedAt } } }"#;
pub const UNPUBLISH_POST: &str = r#"mutation($input: UnpublishPostInput!) { unpublishPost(input: $input) {
    post { id status version unpublishReason } } }"#;
pub const DELETE_POST: &str = r#"mutation($input: ChangePostInput!) { deletePost(input: $input) { deletedPostId } }"#;
const READ_POST: &str =
    r#"query($id: ID!) { post(id: $id) { id status version unpublishReason } node(id: $id) { id } }"#;

/// A moment `days` from now, in RFC 3339.
pub(crate) fn at_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

pub(crate) fn cluster_id(app: &TestApp, slug: &str) -> String {
    let reply = app.query(
        "query($s: String!) { clusterBySlug(slug: $s) { id } }",
        json!({ "s": slug }),
    );
    reply.data()["clusterBySlug"]["id"]
        .as_str()
        .expect("cluster ID")
        .to_owned()
}

/// A signed-in demo account's access token: a real user, so the author of what it writes.
pub(crate) fn demo_login(app: &TestApp, index: usize) -> String {
    let (email, _, password) = DEMO_ACCOUNTS[index];
    let reply = app.query(
        "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken } }",
        json!({ "e": email, "p": password }),
    );
    reply.data()["login"]["accessToken"]
        .as_str()
        .expect("access token")
        .to_owned()
}

/// A NEWS post of `cluster`.
pub fn news(cluster: &str, title: &str) -> Value {
    json!({ "clusterId": cluster, "kind": "NEWS", "title": title, "bodyMarkdown": format!("News: **{title}**.") })
}

pub(crate) fn create(app: &TestApp, token: Option<&str>, input: Value) -> Value {
    app.post(token, CREATE_POST, json!({ "input": input })).data()["createPost"]["post"].clone()
}

pub(crate) fn change(app: &TestApp, token: Option<&str>, mutation: &str, input: Value) -> Reply {
    app.post(token, mutation, json!({ "input": input }))
}

pub(crate) fn id_version(post: &Value) -> Value {
    json!({ "id": post["id"], "version": post["version"] })
}

/// What `token` sees of a post by id: null when hidden.
fn read(app: &TestApp, token: Option<&str>, id: &Value) -> Value {
    let reply = app.post(token, READ_POST, json!({ "id": id }));
    let data = reply.data();
    assert_eq!(data["post"]["id"], data["node"]["id"], "post(id) and node(id) agree");
    data["post"].clone()
}

/// The titles of a feed's nodes.
pub(crate) fn titles(connection: &Value) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["title"].as_str().expect("title").to_owned())
        .collect()
}

#[test]
fn publishing_and_moderation_follow_the_roles() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let author = demo_login(&app, 2); // the TPCA manager
    let editor = TestApp::scoped_token(Role::ClusterManager, &[], &[&tpca], &[]);
    let partner_tw = TestApp::scoped_token(Role::Partner, &["TW"], &[], &[]);
    let partner_de = TestApp::scoped_token(Role::Partner, &["DE"], &[], &[]);
    let other_manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&cluster_id(&app, "castra")], &[]);
    let stranger = TestApp::token(Role::User);
    let admin = TestApp::admin().expect("admin");

    // A draft is for its author and the cluster's editors only.
    let draft = create(
        &app,
        Some(&author),
        news(&tpca, "TPCA joins the smart manufacturing week"),
    );
    assert_eq!(
        (draft["status"].as_str(), draft["version"].as_i64()),
        (Some("DRAFT"), Some(1))
    );
    assert_eq!(draft["publishedAt"], Value::Null);
    for (who, token) in [
        ("author", &author),
        ("editor", &editor),
        ("partner TW", &partner_tw),
        ("admin", &admin),
    ] {
        assert_eq!(
            read(&app, Some(token), &draft["id"])["status"],
            "DRAFT",
            "{who} sees the draft"
        );
    }
    for (who, token) in [
        ("anonymous", None),
        ("stranger", Some(&stranger)),
        ("partner DE", Some(&partner_de)),
    ] {
        assert_eq!(
            read(&app, token.map(String::as_str), &draft["id"]),
            Value::Null,
            "{who} does not"
        );
    }
    let on_cluster =
        r#"query($id: ID!) { cluster(id: $id) { posts { totalCount nodes { title } } } posts { totalCount } }"#;
    let anonymous = app.query(on_cluster, json!({ "id": tpca }));
    assert_eq!(
        anonymous.data()["cluster"]["posts"]["totalCount"],
        0,
        "not on the cluster"
    );
    assert_eq!(
        anonymous.data()["posts"]["totalCount"],
        4,
        "not in the feed: the demo posts only"
    );
    let own = app.post(Some(&editor), on_cluster, json!({ "id": tpca }));
    assert_eq!(
        own.data()["cluster"]["posts"]["totalCount"],
        1,
        "the editor sees it on the cluster"
    );

    // Publishing: the cluster's editors, nobody else.
    let refused = [
        (None, "UNAUTHENTICATED"),
        (Some(&stranger), "FORBIDDEN"),
        (Some(&partner_de), "FORBIDDEN"),
        (Some(&other_manager), "FORBIDDEN"),
    ];
    for (token, code) in refused {
        let reply = change(&app, token.map(String::as_str), PUBLISH_POST, id_version(&draft));
        assert_eq!(reply.code(), code, "{}", reply.body);
    }
    assert_eq!(
        read(&app, Some(&admin), &draft["id"])["status"],
        "DRAFT",
        "the refusals changed nothing"
    );
    for (who, token) in [("author", &author), ("partner TW", &partner_tw), ("admin", &admin)] {
        let own = create(&app, Some(token), news(&tpca, &format!("Published by the {who}")));
        let published = change(&app, Some(token), PUBLISH_POST, id_version(&own));
        let post = &published.data()["publishPost"]["post"];
        assert_eq!(
            (post["status"].as_str(), post["version"].as_i64()),
            (Some("PUBLISHED"), Some(2)),
            "{who}"
        );
        assert!(post["publishedAt"].is_string(), "{who}");
    }
    let published = change(&app, Some(&editor), PUBLISH_POST, id_version(&draft));
    let post = published.data()["publishPost"]["post"].clone();
    assert_eq!(read(&app, None, &draft["id"])["status"], "PUBLISHED", "now public");
    let again = change(&app, Some(&editor), PUBLISH_POST, id_version(&post));
    assert_eq!(again.code(), "TRANSITION_NOT_ALLOWED");

    // Moderation: the partner of the cluster's country and administrators, with a reason.
    let unpublish = |token: Option<&str>, post: &Value, reason: &str| {
        change(
            &app,
            token,
            UNPUBLISH_POST,
            json!({ "id": post["id"], "version": post["version"], "reason": reason }),
        )
    };
    let reason = "Advertises a product, not cluster news; please rewrite.";
    for (token, code) in [
        (None, "UNAUTHENTICATED"),
        (Some(&stranger), "FORBIDDEN"),
        (Some(&author), "FORBIDDEN"),
        (Some(&editor), "FORBIDDEN"),
        (Some(&partner_de), "FORBIDDEN"),
    ] {
        assert_eq!(unpublish(token.map(String::as_str), &post, reason).code(), code);
    }
    assert_eq!(
        unpublish(Some(&partner_tw), &post, "   ").bad_fields(),
        ["reason"],
        "a reason is needed"
    );
    let taken_down = unpublish(Some(&partner_tw), &post, reason);
    let post = taken_down.data()["unpublishPost"]["post"].clone();
    assert_eq!(post["status"], "UNPUBLISHED");
    assert_eq!(post["unpublishReason"], reason);

    // The reason is for the author and the editors; the others no longer see the post.
    for (who, token) in [("author", &author), ("editor", &editor)] {
        let seen = read(&app, Some(token), &post["id"]);
        assert_eq!(
            (seen["status"].as_str(), seen["unpublishReason"].as_str()),
            (Some("UNPUBLISHED"), Some(reason)),
            "{who}"
        );
    }
    for (who, token) in [
        ("anonymous", None),
        ("stranger", Some(&stranger)),
        ("partner DE", Some(&partner_de)),
    ] {
        assert_eq!(read(&app, token.map(String::as_str), &post["id"]), Value::Null, "{who}");
    }

    // What a moderator took down only a moderator puts back up; the reason goes with it.
    assert_eq!(
        change(&app, Some(&author), PUBLISH_POST, id_version(&post)).code(),
        "FORBIDDEN"
    );
    let back = change(&app, Some(&admin), PUBLISH_POST, id_version(&post));
    assert_eq!(back.data()["publishPost"]["post"]["status"], "PUBLISHED");
    assert_eq!(read(&app, Some(&author), &post["id"])["unpublishReason"], Value::Null);
    let back = read(&app, Some(&admin), &post["id"]);
    let admin_unpublished = unpublish(Some(&admin), &back, "Duplicate of another post.");
    assert_eq!(
        admin_unpublished.data()["unpublishPost"]["post"]["status"],
        "UNPUBLISHED"
    );

    // Every write left an audit entry.
    let audited = app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'Post'");
    // 4 creates, 4 publishes, 1 unpublish, 1 re-publish, 1 unpublish; and the demo's 4 + 4.
    assert_eq!(audited, 11 + 8);
}

#[test]
fn bodies_are_sanitised_html_with_safe_links() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let admin = TestApp::admin();
    let body = [
        "# Seminar <script>alert(1)</script>",
        "<img src=x onerror=alert(1)> <svg onload=alert(1)></svg>",
        "[click](javascript:alert(1)) <a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
        "<iframe src=\"https://evil.example\"></iframe><style>p{}</style>",
        "<p onclick=\"alert(1)\" style=\"color:red\">styled</p>",
        "See [the platform](https://clustercollaboration.eu) and <a href=\"https://cnfi.example.tw\">CNFI</a>.",
    ]
    .join("\n\n");
    let mut input = news(&tpca, "XSS vectors");
    input["bodyMarkdown"] = json!(body);
    let post = create(&app, admin.as_deref(), input);
    let html = post["bodyHtml"].as_str().expect("bodyHtml");
    let lower = html.to_lowercase();
    for needle in ["<script", "javascript:", "data:", "<iframe", "<style", "<svg", "style="] {
        assert!(!lower.contains(needle), "{needle} survived in {html}");
    }
    let handler = regex_free_handler(&lower);
    assert!(!handler, "an on…= attribute survived in {html}");
    assert!(html.contains("<h1>Seminar"), "{html}");
    assert!(
        html.contains(r#"<a href="https://clustercollaboration.eu" rel="nofollow noopener">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="https://cnfi.example.tw" rel="nofollow noopener">"#),
        "{html}"
    );
    let links = html.matches("<a ").count();
    assert_eq!(
        html.matches(r#"rel="nofollow noopener""#).count(),
        links,
        "every link: {html}"
    );

    // The Markdown is kept as written, and a change renders again.
    let read = app.as_admin(
        r#"query($id: ID!) { post(id: $id) { bodyMarkdown bodyHtml } }"#,
        json!({ "id": post["id"] }),
    );
    assert_eq!(read.data()["post"]["bodyMarkdown"], body);
    let updated = change(
        &app,
        admin.as_deref(),
        UPDATE_POST,
        json!({ "id": post["id"], "version": 1, "bodyMarkdown": "<b onmouseover=alert(1)>bold</b>" }),
    );
    assert_eq!(updated.data()["updatePost"]["post"]["bodyHtml"], "<p><b>bold</b></p>\n");
}

/// Whether a tag of `html` (lower case) has an attribute named `on…`.
fn regex_free_handler(html: &str) -> bool {
    html.split('<').skip(1).any(|tag| {
        tag.split('>')
            .next()
            .unwrap_or("")
            .split(|c: char| c.is_whitespace() || c == '/')
            .skip(1)
            .any(|attribute| attribute.starts_with("on") && attribute.contains('='))
    })
}

#[test]
fn inputs_are_checked_and_stale_versions_refused() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let admin = TestApp::admin();
    let bad = |input: Value| app.as_admin(CREATE_POST, json!({ "input": input })).bad_fields();

    let event = json!({ "clusterId": tpca, "kind": "EVENT", "title": "Open house", "bodyMarkdown": "Come.",
                        "startsAt": at_days(10), "endsAt": at_days(9), "onlineUrl": "javascript:alert(1)" });
    assert_eq!(bad(event), ["onlineUrl", "endsAt"]);
    let call = json!({ "clusterId": tpca, "kind": "CALL", "title": "A call", "bodyMarkdown": "Apply." });
    assert_eq!(bad(call), ["deadline"]);
    let mut news_with_dates = news(&tpca, "News");
    news_with_dates["deadline"] = json!(at_days(5));
    news_with_dates["imageUrl"] = json!("http://img.example.tw/a.png");
    assert_eq!(bad(news_with_dates), ["imageUrl", "deadline"]);
    let mut too_long = news(&tpca, &"t".repeat(201));
    too_long["summary"] = json!("s".repeat(501));
    too_long["bodyMarkdown"] = json!("b".repeat(20_001));
    too_long["countries"] = json!(["XX"]);
    assert_eq!(bad(too_long), ["title", "summary", "bodyMarkdown", "countries"]);
    let mut long_image = news(&tpca, "Image");
    long_image["imageUrl"] = json!(format!("https://img.example.tw/{}", "a".repeat(2_000)));
    assert_eq!(bad(long_image), ["imageUrl"]);
    let unknown = app.as_admin(CREATE_POST, json!({ "input": news("Q2x1c3Rlcjow", "Nowhere") }));
    assert_eq!(unknown.code(), "BAD_USER_INPUT", "not a cluster ID");

    // A good EVENT, then writes at a version that is no longer the post's.
    let good = json!({ "clusterId": tpca, "kind": "EVENT", "title": "Open house", "bodyMarkdown": "Come.",
                       "startsAt": at_days(10), "endsAt": at_days(10), "place": "Hsinchu",
                       "registrationUrl": "https://tpca.example.tw/register", "ecosystems": ["ELECTRONICS"] });
    let post = create(&app, admin.as_deref(), good);
    let first = change(
        &app,
        admin.as_deref(),
        UPDATE_POST,
        json!({ "id": post["id"], "version": 1, "title": "Open house 2027" }),
    );
    assert_eq!(first.data()["updatePost"]["post"]["version"], 2);
    let stale = change(
        &app,
        admin.as_deref(),
        UPDATE_POST,
        json!({ "id": post["id"], "version": 1, "title": "Lost" }),
    );
    assert_eq!(stale.code(), "CONFLICT");
    for mutation in [PUBLISH_POST, DELETE_POST] {
        assert_eq!(
            change(&app, admin.as_deref(), mutation, id_version(&post)).code(),
            "CONFLICT"
        );
    }
    let cleared = change(
        &app,
        admin.as_deref(),
        UPDATE_POST,
        json!({ "id": post["id"], "version": 2, "place": null }),
    );
    assert_eq!(
        cleared.bad_fields(),
        ["place"],
        "an EVENT keeps a place or an online link"
    );
    let kind_change = change(
        &app,
        admin.as_deref(),
        UPDATE_POST,
        json!({ "id": post["id"], "version": 2, "deadline": at_days(3) }),
    );
    assert_eq!(kind_change.bad_fields(), ["deadline"], "an EVENT takes no deadline");
    let read = app.as_admin(
        r#"query($id: ID!) { post(id: $id) { title version ecosystems place } }"#,
        json!({ "id": post["id"] }),
    );
    assert_eq!(
        read.data()["post"],
        json!({ "title": "Open house 2027", "version": 2, "ecosystems": ["ELECTRONICS"], "place": "Hsinchu" })
    );
    let deleted = change(
        &app,
        admin.as_deref(),
        DELETE_POST,
        json!({ "id": post["id"], "version": 2 }),
    );
    assert_eq!(deleted.data()["deletePost"]["deletedPostId"], post["id"]);
    assert_eq!(read_post_as_admin(&app, &post["id"]), Value::Null);
    assert_eq!(
        change(
            &app,
            admin.as_deref(),
            DELETE_POST,
            json!({ "id": post["id"], "version": 2 })
        )
        .code(),
        "NOT_FOUND"
    );
}

fn read_post_as_admin(app: &TestApp, id: &Value) -> Value {
    app.as_admin(r#"query($id: ID!) { post(id: $id) { id } }"#, json!({ "id": id }))
        .data()["post"]
        .clone()
}

#[test]
fn a_retried_create_with_its_idempotency_key_writes_one_post() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let bearer = format!("Bearer {}", TestApp::admin().expect("admin"));
    let body = json!({ "query": CREATE_POST, "variables": { "input": news(&tpca, "Written once") } }).to_string();
    let send = || {
        let mut response = app
            .agent()
            .post(format!("{}/graphql", app.base))
            .header("Authorization", bearer.as_str())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "create-post-tpca-1")
            .send(body.clone())
            .expect("request");
        let text = response.body_mut().read_to_string().unwrap_or_default();
        serde_json::from_str::<Value>(&text).unwrap_or(Value::Null)
    };
    let (first, replay) = (send(), send());
    assert!(first["data"]["createPost"]["post"]["id"].is_string(), "{first}");
    assert_eq!(first["data"], replay["data"], "the replay answers what the first did");
    let on_cluster = app.as_admin(
        r#"query($id: ID!) { cluster(id: $id) { posts { totalCount } } }"#,
        json!({ "id": tpca }),
    );
    assert_eq!(on_cluster.data()["cluster"]["posts"]["totalCount"], 1, "written once");
}
