//! The weekly digest in GraphQL: `buildDigest` for administrators, and `digestIssue` to read a
//! stored week (its web view is `GET /digest/{week}`).

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::digest_issue;

use crate::{
    domain::{
        digest::{self, issue::web_path, Week},
        policy,
    },
    error::AppResult,
    graphql::context::{caller, db, links},
};

/// One issue of the weekly digest.
pub struct DigestIssue {
    model: digest_issue::Model,
    web_url: String,
}

impl DigestIssue {
    fn new(model: digest_issue::Model, links: &crate::auth::Links) -> Self {
        let web_url = links.url(&web_path(&model.week));
        Self { model, web_url }
    }
}

#[Object]
/// One issue of the weekly digest: what was published in an ISO week.
impl DigestIssue {
    /// The ISO 8601 week, e.g. `2026-W48`.
    async fn week(&self) -> &str {
        &self.model.week
    }
    /// Monday 00:00 UTC of the week.
    async fn starts_at(&self) -> DateTime<Utc> {
        self.model.starts_at
    }
    /// The next Monday 00:00 UTC: the week is every moment from `startsAt` up to this one.
    async fn ends_at(&self) -> DateTime<Utc> {
        self.model.ends_at
    }
    /// When it was built (by the first run for the week).
    async fn built_at(&self) -> DateTime<Utc> {
        self.model.built_at
    }
    /// Items in the general issue (every topic), before any subscriber's topics narrow it.
    async fn item_count(&self) -> i32 {
        self.model.item_count
    }
    /// Its web view, in English.
    async fn web_url(&self) -> &str {
        &self.web_url
    }
}

#[derive(Default)]
pub struct DigestQuery;

#[Object]
impl DigestQuery {
    /// The stored digest issue of an ISO week (`2026-W48`), or null when none was built.
    async fn digest_issue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An ISO 8601 week such as `2026-W48`.")] week: String,
    ) -> AppResult<Option<DigestIssue>> {
        let week = Week::from_input("week", &week)?;
        Ok(digest::issue::find(db(ctx), week)
            .await?
            .map(|model| DigestIssue::new(model, links(ctx))))
    }
}

/// The week to build.
#[derive(InputObject)]
pub struct BuildDigestInput {
    /// An ISO 8601 week that has ended, such as `2026-W48` (bounds in UTC).
    pub week: String,
}

/// The issue and what this run queued.
#[derive(SimpleObject)]
pub struct BuildDigestPayload {
    /// The week's issue, as the first run stored it.
    pub issue: DigestIssue,
    /// Confirmed subscribers looked at.
    pub subscribers: u64,
    /// Mails this run queued.
    pub mails_queued: u64,
    /// Mails an earlier or a parallel run had queued already (not queued again).
    pub already_queued: u64,
    /// Subscribers the week had nothing for under their topics: they get no mail.
    pub without_items: u64,
}

#[derive(Default)]
pub struct DigestMutation;

#[Object]
impl DigestMutation {
    /// Builds a week's digest once and queues one mail per confirmed subscriber whose topics
    /// the week touched (administrators only; audited). Running it again queues only what is
    /// missing, so each subscriber gets a week's digest once.
    async fn build_digest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The week.")] input: BuildDigestInput,
    ) -> AppResult<BuildDigestPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        policy::may_build_digest(actor)?;
        let week = Week::from_input("week", &input.week)?;
        let run = digest::build_issue(db(ctx), links(ctx), actor, week, Utc::now()).await?;
        Ok(BuildDigestPayload {
            issue: DigestIssue::new(run.issue, links(ctx)),
            subscribers: run.subscribers,
            mails_queued: run.queued,
            already_queued: run.already_queued,
            without_items: run.without_items,
        })
    }
}
