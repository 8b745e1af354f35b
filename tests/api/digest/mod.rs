//! The weekly digest (issue 16.5 and the digest part of 16.6): a crafted week's content per
//! subscriber's topics and language (`content`), idempotent runs of the command and the mutation,
//! also two at once, and delivery with List-Unsubscribe (`runs`), the web views and a headless
//! Chromium screenshot of one (`views`). Subscribers are written straight to the database: the
//! subscribing pages are another feature's.

mod content;
mod runs;
mod views;

use entity::{
    digest_subscriber::{self, SubscriberStatus},
    digest_subscriber_topic::{self, TopicKind},
    outbox_mail::{self, MailPurpose},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde_json::{json, Value};

use crate::{
    posts::{cluster_id, create, id_version, PUBLISH_POST},
    support::{Reply, TestApp},
};

/// The crafted week: long over, so it may be built, and before anything the demo data holds.
pub const WEEK: &str = "2026-W40";
/// A moment inside it.
pub const IN_WEEK: &str = "2026-09-30 12:00:00+00:00";

pub const BUILD: &str = r#"mutation($w: String!) { buildDigest(input: {week: $w}) {
    issue { week startsAt endsAt itemCount webUrl } subscribers mailsQueued alreadyQueued withoutItems } }"#;

pub fn build(app: &TestApp, token: Option<&str>, week: &str) -> Reply {
    app.post(token, BUILD, json!({ "w": week }))
}

/// A subscriber to write: address, language, status, topics.
pub struct Subscriber<'a> {
    pub email: &'a str,
    pub language: &'a str,
    pub status: SubscriberStatus,
    pub topics: &'a [(TopicKind, &'a str)],
}

impl<'a> Subscriber<'a> {
    pub fn confirmed(email: &'a str, language: &'a str, topics: &'a [(TopicKind, &'a str)]) -> Self {
        Self {
            email,
            language,
            status: SubscriberStatus::Confirmed,
            topics,
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("a runtime")
}

/// Writes subscribers in one transaction, as the subscribing feature leaves them; their ids.
pub fn subscribe(app: &TestApp, subscribers: &[Subscriber<'_>]) -> Vec<uuid::Uuid> {
    runtime().block_on(async {
        let db = clusterbridge::db::connect(app.database_url(), 1)
            .await
            .expect("connect");
        let txn = db.begin().await.expect("begin");
        let now = chrono::Utc::now();
        let mut ids = Vec::new();
        for s in subscribers {
            let id = uuid::Uuid::now_v7();
            digest_subscriber::Entity::insert(digest_subscriber::ActiveModel {
                id: Set(id),
                email: Set(s.email.to_owned()),
                language: Set(s.language.to_owned()),
                status: Set(s.status),
                confirmed_at: Set((s.status != SubscriberStatus::Pending).then_some(now)),
                unsubscribed_at: Set((s.status == SubscriberStatus::Unsubscribed).then_some(now)),
                last_confirmation_at: Set(Some(now)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(&txn)
            .await
            .expect("a subscriber");
            for (kind, value) in s.topics {
                digest_subscriber_topic::Entity::insert(digest_subscriber_topic::ActiveModel {
                    subscriber_id: Set(id),
                    kind: Set(*kind),
                    value: Set((*value).to_owned()),
                })
                .exec_without_returning(&txn)
                .await
                .expect("a topic");
            }
            ids.push(id);
        }
        txn.commit().await.expect("commit");
        db.close().await.ok();
        ids
    })
}

/// The digest mails in the outbox, by recipient.
pub fn digest_mails(app: &TestApp) -> Vec<outbox_mail::Model> {
    runtime().block_on(async {
        let db = clusterbridge::db::connect(app.database_url(), 1)
            .await
            .expect("connect");
        let mails = outbox_mail::Entity::find()
            .filter(outbox_mail::Column::Purpose.eq(MailPurpose::Digest))
            .order_by_asc(outbox_mail::Column::Recipient)
            .order_by_asc(outbox_mail::Column::DedupeKey)
            .all(&db)
            .await
            .expect("the outbox");
        db.close().await.ok();
        mails
    })
}

/// A published post of `cluster`, moved into the crafted week (or to `published_at`).
pub fn published_post(app: &TestApp, input: Value, published_at: &str) -> Value {
    let admin = TestApp::admin();
    let post = create(app, admin.as_deref(), input);
    app.post(admin.as_deref(), PUBLISH_POST, json!({ "input": id_version(&post) }))
        .data();
    let title = post["title"].as_str().expect("a title").replace('\'', "''");
    app.sql(&format!(
        "UPDATE post SET published_at = '{published_at}' WHERE title = '{title}'"
    ));
    post
}

/// A NEWS post of TPCA published in the crafted week.
pub fn news_in_week(app: &TestApp, title: &str) -> Value {
    let tpca = cluster_id(app, "tpca");
    published_post(
        app,
        json!({ "clusterId": tpca, "kind": "NEWS", "title": title, "bodyMarkdown": "News." }),
        IN_WEEK,
    )
}
