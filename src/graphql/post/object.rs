//! The `Post` type: a cluster's news, event or call, with its sanitised HTML body, its texts in
//! the language negotiated for the reader (see `domain::locale`).

use async_graphql::{Context, Enum, Object, ID};
use chrono::{DateTime, Utc};
use entity::{post as row, post_translation};

use super::TYPE_NAME;
use crate::{
    domain::{locale::Preference, policy, translation},
    error::AppResult,
    graphql::{
        cluster::Cluster,
        context::{caller, list, loaders},
        enums::Ecosystem,
        loaders as l, node, translations,
    },
};

/// What a post is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::taxonomy::PostKind")]
pub enum PostKind {
    /// News of the cluster or its industry.
    News,
    /// An event: it has a start, an end, and a place or an online link.
    Event,
    /// A call for proposals or for funding: it has a deadline.
    Call,
}

/// Where a post stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::taxonomy::PostStatus")]
pub enum PostStatus {
    /// Being written; seen by its author and its cluster's editors only.
    Draft,
    /// Public.
    Published,
    /// Taken down by a moderator, with a reason its author and editors see.
    Unpublished,
}

/// A post, and the languages asked for by the field that returned it (its `locale`
/// argument); `None` leaves the choice to the request's `Accept-Language`.
#[derive(Clone)]
pub struct Post(pub row::Model, pub Option<Preference>);

/// The texts of a post in one language.
struct Texts {
    language: String,
    title: String,
    summary: Option<String>,
    body_markdown: String,
    body_html: String,
}

impl Post {
    /// A post whose texts follow the request's `Accept-Language`.
    pub fn new(model: row::Model) -> Self {
        Self(model, None)
    }

    /// A post whose texts follow `locale` when given, else the request's `Accept-Language`.
    pub fn in_locale(model: row::Model, locale: &Option<Preference>) -> Self {
        Self(model, locale.clone())
    }

    async fn translations_of(&self, ctx: &Context<'_>) -> AppResult<Vec<post_translation::Model>> {
        list(ctx, l::PostTranslationsOf(self.0.id)).await
    }

    /// The texts in the best language for the reader, the primary ones when no other fits.
    async fn texts(&self, ctx: &Context<'_>) -> AppResult<Texts> {
        let translations = self.translations_of(ctx).await?;
        let preference = translations::preference(ctx, self.1.as_ref());
        let chosen = translation::negotiate(preference, &self.0.language, translations);
        Ok(match chosen {
            Some(t) => Texts {
                language: t.language,
                title: t.title,
                summary: t.summary,
                body_markdown: t.body_markdown,
                body_html: t.body_html,
            },
            None => Texts {
                language: self.0.language.clone(),
                title: self.0.title.clone(),
                summary: self.0.summary.clone(),
                body_markdown: self.0.body_markdown.clone(),
                body_html: self.0.body_html.clone(),
            },
        })
    }
}

#[Object]
/// A post of a cluster: NEWS, an EVENT or a CALL for proposals. The body is written in Markdown
/// and served as sanitised HTML too (`bodyHtml`).
impl Post {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The cluster that published it; null when you may not see that cluster.
    async fn cluster(&self, ctx: &Context<'_>) -> AppResult<Option<Cluster>> {
        Ok(loaders(ctx)
            .load_one(l::ClusterById(self.0.cluster_id))
            .await?
            .map(Cluster))
    }
    /// What it is.
    async fn kind(&self) -> PostKind {
        self.0.kind.into()
    }
    /// The language (BCP 47 tag) that `title`, `summary`, `bodyMarkdown` and `bodyHtml` are
    /// in: the best match for the `locale` argument of the field that returned the post, else
    /// for the request's `Accept-Language`, else the primary language.
    async fn language(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(self.texts(ctx).await?.language)
    }
    /// The language the post was written in (BCP 47 tag); its texts fall back to it.
    async fn primary_language(&self) -> &str {
        &self.0.language
    }
    /// The languages (BCP 47 tags) it is translated into besides its primary one, in order.
    async fn translations(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        Ok(self
            .translations_of(ctx)
            .await?
            .into_iter()
            .map(|t| t.language)
            .collect())
    }
    /// Its title, in `language`.
    async fn title(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(self.texts(ctx).await?.title)
    }
    /// A short plain-text summary, for lists and the digest, in `language`.
    async fn summary(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        Ok(self.texts(ctx).await?.summary)
    }
    /// The body as its author wrote it, in Markdown, in `language`.
    async fn body_markdown(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(self.texts(ctx).await?.body_markdown)
    }
    /// The body as HTML, in `language`, rendered from the Markdown and sanitised: no script,
    /// style, frame, event handler or `javascript:`/`data:` URL; links carry
    /// `rel="nofollow noopener"`.
    async fn body_html(&self, ctx: &Context<'_>) -> AppResult<String> {
        Ok(self.texts(ctx).await?.body_html)
    }
    /// An image to show with it: an https URL.
    async fn image_url(&self) -> Option<&str> {
        self.0.image_url.as_deref()
    }
    /// An EVENT's start.
    async fn starts_at(&self) -> Option<DateTime<Utc>> {
        self.0.starts_at
    }
    /// An EVENT's end.
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.0.ends_at
    }
    /// Where an EVENT takes place.
    async fn place(&self) -> Option<&str> {
        self.0.place.as_deref()
    }
    /// Where to join an EVENT online.
    async fn online_url(&self) -> Option<&str> {
        self.0.online_url.as_deref()
    }
    /// Where to register for an EVENT.
    async fn registration_url(&self) -> Option<&str> {
        self.0.registration_url.as_deref()
    }
    /// A CALL's deadline.
    async fn deadline(&self) -> Option<DateTime<Utc>> {
        self.0.deadline
    }
    /// What a CALL funds, and how much; plain text.
    async fn funding(&self) -> Option<&str> {
        self.0.funding.as_deref()
    }
    /// Who may answer a CALL; plain text.
    async fn eligibility(&self) -> Option<&str> {
        self.0.eligibility.as_deref()
    }
    /// Where to read more or apply.
    async fn link(&self) -> Option<&str> {
        self.0.link.as_deref()
    }
    /// The industrial ecosystems it concerns.
    async fn ecosystems(&self, ctx: &Context<'_>) -> AppResult<Vec<Ecosystem>> {
        Ok(list(ctx, l::PostEcosystemsOf(self.0.id))
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
    /// ISO 3166-1 alpha-2 codes of the countries it concerns.
    async fn countries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        list(ctx, l::PostCountriesOf(self.0.id)).await
    }
    /// Where it stands.
    async fn status(&self) -> PostStatus {
        self.0.status.into()
    }
    /// When it was first published; null for a draft.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    /// Why a moderator unpublished it: for its author and its cluster's editors; null for
    /// everyone else and for a post that is not UNPUBLISHED.
    async fn unpublish_reason(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        let Some(reason) = self.0.unpublish_reason.as_deref() else {
            return Ok(None);
        };
        let Some(cluster) = loaders(ctx).load_one(l::ClusterById(self.0.cluster_id)).await? else {
            return Ok(None);
        };
        let sees = policy::sees_unpublished_post(caller(ctx).principal(), self.0.author_id, &cluster);
        Ok(sees.then_some(reason))
    }
    /// Send it back with a change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
