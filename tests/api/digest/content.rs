//! A crafted week: which items each subscriber gets under its topics, in which language, what
//! the week leaves out (drafts, other weeks, events already begun, closed calls), who may build
//! it, and bad weeks.

use entity::digest_subscriber::SubscriberStatus;
use entity::digest_subscriber_topic::TopicKind;
use serde_json::json;

use super::{build, digest_mails, published_post, subscribe, Subscriber, IN_WEEK, WEEK};
use crate::{
    posts::{at_days, cluster_id, create},
    support::TestApp,
};

const SET_TRANSLATION: &str = r#"mutation($input: SetPostTranslationInput!) { setPostTranslation(input: $input) {
    post { id version } } }"#;

/// The week's content: posts of every kind in and around the week, a partner search, and a
/// partnership and a success story of the demo data moved into the week.
fn craft(app: &TestApp) -> (String, String, String) {
    let admin = TestApp::admin();
    let tpca = cluster_id(app, "tpca");
    let lower_saxony = cluster_id(app, "smart-production-ni");
    let news = published_post(
        app,
        json!({ "clusterId": tpca, "kind": "NEWS", "title": "Taipei smart machinery news", "summary": "PCB makers meet in Taipei.",
                "bodyMarkdown": "News.", "ecosystems": ["ELECTRONICS"] }),
        IN_WEEK,
    );
    // Translated after publishing: the translation is the post's, whenever it was written.
    let version = app.count("SELECT CAST(version AS BIGINT) FROM post WHERE title = 'Taipei smart machinery news'");
    app.post(
        admin.as_deref(),
        SET_TRANSLATION,
        json!({ "input": { "id": news["id"], "version": version, "language": "zh-Hant",
                           "title": "台北智慧機械新聞", "summary": "電路板業者齊聚台北。", "bodyMarkdown": "新聞。" } }),
    )
    .data();
    let event = |title: &str, starts: String, ends: String| {
        json!({ "clusterId": tpca, "kind": "EVENT", "title": title, "bodyMarkdown": "Meet us.",
                "startsAt": starts, "endsAt": ends, "place": "Taipei Nangang Exhibition Center" })
    };
    published_post(app, event("Taipei innovation week", at_days(10), at_days(11)), IN_WEEK);
    published_post(
        app,
        event(
            "Seminar during the week",
            "2026-10-01T09:00:00Z".into(),
            "2026-10-01T17:00:00Z".into(),
        ),
        IN_WEEK,
    );
    let call = |title: &str, deadline: String| {
        json!({ "clusterId": lower_saxony, "kind": "CALL", "title": title, "bodyMarkdown": "Apply.", "deadline": deadline,
                "funding": "EUR 60,000", "eligibility": "SMEs", "link": "https://calls.example.eu/health",
                "ecosystems": ["HEALTH"] })
    };
    published_post(app, call("Lower Saxony health innovation call", at_days(30)), IN_WEEK);
    published_post(
        app,
        call("Call closed in the week", "2026-10-02T12:00:00Z".into()),
        IN_WEEK,
    );
    published_post(
        app,
        json!({ "clusterId": tpca, "kind": "NEWS", "title": "News of the week before", "bodyMarkdown": "Old." }),
        "2026-09-22 12:00:00+00:00",
    );
    create(
        app,
        admin.as_deref(),
        json!({ "clusterId": tpca, "kind": "NEWS", "title": "A draft", "bodyMarkdown": "Not yet." }),
    );
    let search = app.post(
        admin.as_deref(),
        r#"mutation($i: CreatePartnerSearchInput!) { createPartnerSearch(input: $i) { partnerSearch { id } } }"#,
        json!({ "i": { "clusterId": tpca, "kind": "REQUEST", "title": "PCB makers seek EU assemblers",
                       "description": "Looking for a partner in Europe.", "expiresOn": (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string(),
                       "ecosystems": ["ELECTRONICS"], "targetCountries": ["DE", "FR"] } }),
    );
    search.data();
    app.sql(&format!(
        "UPDATE partner_search SET created_at = '{IN_WEEK}' WHERE title = 'PCB makers seek EU assemblers'"
    ));
    let names = app.query(
        "{ partnerships(first: 1) { nodes { name } } successStories(first: 1) { nodes { title } } }",
        json!({}),
    );
    let partnership = names.data()["partnerships"]["nodes"][0]["name"]
        .as_str()
        .expect("a demo partnership")
        .to_owned();
    let story = names.data()["successStories"]["nodes"][0]["title"]
        .as_str()
        .expect("a demo story")
        .to_owned();
    let quoted = |s: &str| s.replace('\'', "''");
    app.sql(&format!(
        "UPDATE partnership SET created_at = '{IN_WEEK}' WHERE name = '{}'",
        quoted(&partnership)
    ));
    app.sql(&format!(
        "UPDATE partnership_member SET invitation_state = 'ACCEPTED' WHERE partnership_id IN \
         (SELECT id FROM partnership WHERE name = '{}')",
        quoted(&partnership)
    ));
    app.sql(&format!(
        "UPDATE success_story SET published_at = '{IN_WEEK}' WHERE title = '{}'",
        quoted(&story)
    ));
    app.sql(&format!(
        "UPDATE success_story_cluster SET confirmed = TRUE WHERE success_story_id IN \
         (SELECT id FROM success_story WHERE title = '{}')",
        quoted(&story)
    ));
    (partnership, story, tpca)
}

const POSTS: [&str; 7] = [
    "Taipei smart machinery news",
    "Taipei innovation week",
    "Lower Saxony health innovation call",
    "Seminar during the week",
    "Call closed in the week",
    "News of the week before",
    "A draft",
];

/// Which of the crafted posts a text names.
fn posts_in(text: &str) -> Vec<&'static str> {
    POSTS.iter().copied().filter(|title| text.contains(title)).collect()
}

#[test]
fn each_subscriber_gets_the_week_under_its_topics_in_its_language() {
    let app = TestApp::spawn();
    let (partnership, story, _) = craft(&app);
    let ids = subscribe(
        &app,
        &[
            Subscriber::confirmed("ana@example.org", "en", &[]),
            Subscriber::confirmed("mei@example.tw", "zh-Hant-TW", &[(TopicKind::Country, "TW")]),
            Subscriber::confirmed(
                "hans@example.de",
                "de",
                &[(TopicKind::PostKind, "CALL"), (TopicKind::Ecosystem, "HEALTH")],
            ),
            Subscriber::confirmed(
                "lin@example.org",
                "en",
                &[(TopicKind::Language, "zh"), (TopicKind::PostKind, "NEWS")],
            ),
            Subscriber::confirmed("yuki@example.jp", "ja", &[(TopicKind::Country, "JP")]),
            Subscriber {
                email: "pending@example.org",
                language: "en",
                status: SubscriberStatus::Pending,
                topics: &[],
            },
            Subscriber {
                email: "gone@example.org",
                language: "en",
                status: SubscriberStatus::Unsubscribed,
                topics: &[],
            },
        ],
    );

    let reply = build(&app, TestApp::admin().as_deref(), WEEK);
    let run = &reply.data()["buildDigest"];
    assert_eq!(run["issue"]["week"], WEEK);
    assert_eq!(run["issue"]["startsAt"], "2026-09-28T00:00:00+00:00");
    assert_eq!(run["issue"]["endsAt"], "2026-10-05T00:00:00+00:00");
    assert_eq!(run["issue"]["itemCount"], 6, "{run}");
    assert!(run["issue"]["webUrl"]
        .as_str()
        .is_some_and(|u| u.ends_with("/digest/2026-W40")));
    assert_eq!(
        (
            &run["subscribers"],
            &run["mailsQueued"],
            &run["alreadyQueued"],
            &run["withoutItems"]
        ),
        (&json!(5), &json!(4), &json!(0), &json!(1)),
        "confirmed ones only; nothing for JP, so no mail: {run}"
    );

    let mails = digest_mails(&app);
    let recipients: Vec<&str> = mails.iter().map(|m| m.recipient.as_str()).collect();
    assert_eq!(
        recipients,
        [
            "ana@example.org",
            "hans@example.de",
            "lin@example.org",
            "mei@example.tw"
        ]
    );
    let of = |who: &str| mails.iter().find(|m| m.recipient == who).expect("a mail");

    let ana = of("ana@example.org");
    assert_eq!(ana.subject, "ECCP weekly digest 2026-W40");
    assert_eq!(ana.dedupe_key, format!("digest:2026-W40:{}", ids[0]));
    assert_eq!(
        posts_in(&ana.text_body),
        [
            "Taipei smart machinery news",
            "Taipei innovation week",
            "Lower Saxony health innovation call"
        ],
        "news, the upcoming event and the open call; not what began or closed in the week, the \
         week before, or a draft:\n{}",
        ana.text_body
    );
    for other in [&partnership, &story, &"PCB makers seek EU assemblers".to_owned()] {
        assert!(
            ana.text_body.contains(other.as_str()),
            "{other} missing:\n{}",
            ana.text_body
        );
    }
    assert!(
        !ana.text_body.contains("台北智慧機械新聞"),
        "English for an English reader"
    );
    let html = ana.html_body.as_deref().expect("an HTML body");
    assert!(html.contains("<h2>Upcoming events</h2>") && html.contains("Taipei Nangang Exhibition Center"));
    // minijinja escapes `/` in HTML too (`&#x2f;`), which a browser reads back as `/`.
    let unescaped = html.replace("&#x2f;", "/");
    assert!(unescaped.contains(r#"href="https://calls.example.eu/health" rel="nofollow noopener""#));
    assert!(
        unescaped.contains("/digest/unsubscribe?token="),
        "an unsubscribe link in the body"
    );

    let mei = of("mei@example.tw");
    assert_eq!(mei.subject, "ECCP 每週摘要 2026-W40");
    assert!(mei.text_body.contains("台北智慧機械新聞") && mei.text_body.contains("電路板業者齊聚台北。"));
    assert_eq!(
        posts_in(&mei.text_body),
        ["Taipei innovation week"],
        "TW only, news in Chinese"
    );
    assert!(
        mei.text_body.contains("PCB makers seek EU assemblers"),
        "TPCA's search is Taiwan's"
    );
    assert!(mei.text_body.contains("即將舉行的活動"), "headings in Chinese");

    let hans = of("hans@example.de");
    assert_eq!(posts_in(&hans.text_body), ["Lower Saxony health innovation call"]);
    assert!(
        !hans.text_body.contains("PCB makers"),
        "an ELECTRONICS search is not HEALTH"
    );

    let lin = of("lin@example.org");
    assert_eq!(
        posts_in(&lin.text_body),
        ["Taipei smart machinery news"],
        "news with a Chinese text, read in English"
    );
}

#[test]
fn only_administrators_build_and_bad_weeks_are_refused() {
    let app = TestApp::empty();
    assert_eq!(build(&app, None, WEEK).code(), "UNAUTHENTICATED");
    let partner = TestApp::scoped_token(clusterbridge::auth::Role::Partner, &["TW"], &[], &[]);
    assert_eq!(build(&app, Some(&partner), WEEK).code(), "FORBIDDEN");
    let admin = TestApp::admin();
    let this_week = clusterbridge::domain::digest::Week::containing(chrono::Utc::now()).to_string();
    for bad in [
        "2026-W54",
        "2027-W53",
        "2026-48",
        "week 48",
        "",
        "2026-W48; DROP TABLE post",
        this_week.as_str(),
    ] {
        let reply = build(&app, admin.as_deref(), bad);
        assert_eq!(reply.bad_fields(), ["week"], "{bad}: {}", reply.body);
    }
    let reply = app.query(r#"{ digestIssue(week: "2026-W99") { week } }"#, json!({}));
    assert_eq!(reply.bad_fields(), ["week"]);
    let reply = app.query(r#"{ digestIssue(week: "2026-W40") { week } }"#, json!({}));
    assert_eq!(reply.data()["digestIssue"], json!(null));
    // An empty week is stored too (the web view says so), and mails no one.
    let run = build(&app, admin.as_deref(), "2026-W40");
    assert_eq!(run.data()["buildDigest"]["issue"]["itemCount"], 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'DigestIssue' AND action = 'BUILD'"),
        1,
        "audited"
    );
}
