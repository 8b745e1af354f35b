//! The writes of posts: create, change, publish, unpublish (moderation) and delete, with their
//! inputs and payloads.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::{Post, PostKind, TYPE_NAME};
use crate::{
    domain::{
        notification::{self, Notification},
        policy,
        post::{self as domain, NewPost, PostPatch},
    },
    error::AppResult,
    graphql::{
        cluster::TYPE_NAME as CLUSTER,
        context::{caller, db},
        enums::{to_entity, Ecosystem},
        live::hub,
        node,
    },
};

/// A new post, written as a DRAFT. The EVENT fields (`startsAt`, `endsAt`, `place`,
/// `onlineUrl`, `registrationUrl`) are for EVENT posts only, the CALL fields (`deadline`,
/// `funding`, `eligibility`) for CALL posts only.
#[derive(InputObject)]
pub struct CreatePostInput {
    /// The cluster (global ID) it is published by; you must edit that cluster.
    pub cluster_id: ID,
    /// What it is; fixed once created.
    pub kind: PostKind,
    /// Its title; trimmed, not empty, at most 200 characters.
    pub title: String,
    /// A plain-text summary, at most 500 characters.
    pub summary: Option<String>,
    /// The body in Markdown (CommonMark with tables and strikethrough), at most 20,000
    /// characters; raw HTML in it is sanitised like the rest.
    pub body_markdown: String,
    /// An image to show with it: an https URL of at most 2,000 characters.
    pub image_url: Option<String>,
    /// An EVENT's start; required for an EVENT.
    pub starts_at: Option<DateTime<Utc>>,
    /// An EVENT's end, not before its start; required for an EVENT.
    pub ends_at: Option<DateTime<Utc>>,
    /// Where an EVENT takes place, at most 300 characters; an EVENT has a place, an online link
    /// or both.
    pub place: Option<String>,
    /// Where to join an EVENT online: an http(s) URL.
    pub online_url: Option<String>,
    /// Where to register for an EVENT: an http(s) URL.
    pub registration_url: Option<String>,
    /// A CALL's deadline; required for a CALL.
    pub deadline: Option<DateTime<Utc>>,
    /// What a CALL funds; plain text, at most 5,000 characters.
    pub funding: Option<String>,
    /// Who may answer a CALL; plain text, at most 5,000 characters.
    pub eligibility: Option<String>,
    /// Where to read more or apply: an http(s) URL.
    pub link: Option<String>,
    /// The industrial ecosystems it concerns.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// ISO 3166-1 alpha-2 codes of the countries it concerns.
    pub countries: Option<Vec<String>>,
    /// The language title, summary and body are written in: a BCP 47 tag (`en`, `zh-Hant`,
    /// `zh-TW` …), stored in canonical form; `en` when left out. Other languages are added
    /// with `setPostTranslation`.
    pub language: Option<String>,
}

/// Changes to a post; a left-out field stays as it is, `null` clears an optional one. The
/// rules of `CreatePostInput` apply to the result.
#[derive(InputObject)]
pub struct UpdatePostInput {
    /// The post's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Its title.
    pub title: Option<String>,
    /// Its summary.
    pub summary: MaybeUndefined<String>,
    /// Its body in Markdown.
    pub body_markdown: Option<String>,
    /// Its image.
    pub image_url: MaybeUndefined<String>,
    /// An EVENT's start.
    pub starts_at: MaybeUndefined<DateTime<Utc>>,
    /// An EVENT's end.
    pub ends_at: MaybeUndefined<DateTime<Utc>>,
    /// Where an EVENT takes place.
    pub place: MaybeUndefined<String>,
    /// Where to join an EVENT online.
    pub online_url: MaybeUndefined<String>,
    /// Where to register for an EVENT.
    pub registration_url: MaybeUndefined<String>,
    /// A CALL's deadline.
    pub deadline: MaybeUndefined<DateTime<Utc>>,
    /// What a CALL funds.
    pub funding: MaybeUndefined<String>,
    /// Who may answer a CALL.
    pub eligibility: MaybeUndefined<String>,
    /// Where to read more or apply.
    pub link: MaybeUndefined<String>,
    /// The ecosystems it concerns, replacing the old list.
    pub ecosystems: Option<Vec<Ecosystem>>,
    /// The countries it concerns, replacing the old list.
    pub countries: Option<Vec<String>>,
    /// The language title, summary and body are in (BCP 47 tag); not one the post has a
    /// translation in.
    pub language: Option<String>,
}

/// A post to publish or delete, at the version you read.
#[derive(InputObject)]
pub struct ChangePostInput {
    /// The post's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
}

/// A post to take down, at the version you read, and why.
#[derive(InputObject)]
pub struct UnpublishPostInput {
    /// The post's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Why it is taken down, for its author and editors: 1 to 1,000 characters.
    pub reason: String,
}

/// The result of a post mutation.
#[derive(SimpleObject)]
pub struct PostPayload {
    /// The post as it is now.
    pub post: Post,
}

/// The result of `deletePost`.
#[derive(SimpleObject)]
pub struct DeletePostPayload {
    /// The global ID of the post that was deleted.
    pub deleted_post_id: ID,
}

fn patch_of<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

#[derive(Default)]
pub struct PostMutation;

#[Object]
impl PostMutation {
    /// Writes a post for a cluster you edit, as a DRAFT.
    async fn create_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `CreatePostInput`.")]
        input: CreatePostInput,
    ) -> AppResult<PostPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let new = NewPost {
            title: input.title,
            summary: input.summary,
            body_markdown: input.body_markdown,
            image_url: input.image_url,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            place: input.place,
            online_url: input.online_url,
            registration_url: input.registration_url,
            deadline: input.deadline,
            funding: input.funding,
            eligibility: input.eligibility,
            link: input.link,
            ecosystems: to_entity(input.ecosystems),
            countries: input.countries.unwrap_or_default(),
            language: input.language,
        };
        let model = domain::create(db(ctx), actor, cluster_id, input.kind.into(), new).await?;
        Ok(PostPayload { post: Post::new(model) })
    }

    /// Changes a post of a cluster you edit.
    async fn update_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `UpdatePostInput`.")]
        input: UpdatePostInput,
    ) -> AppResult<PostPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let patch = PostPatch {
            title: input.title,
            summary: patch_of(input.summary),
            body_markdown: input.body_markdown,
            image_url: patch_of(input.image_url),
            starts_at: patch_of(input.starts_at),
            ends_at: patch_of(input.ends_at),
            place: patch_of(input.place),
            online_url: patch_of(input.online_url),
            registration_url: patch_of(input.registration_url),
            deadline: patch_of(input.deadline),
            funding: patch_of(input.funding),
            eligibility: patch_of(input.eligibility),
            link: patch_of(input.link),
            ecosystems: input.ecosystems.map(|e| e.into_iter().map(Into::into).collect()),
            countries: input.countries,
            language: input.language,
        };
        let model = domain::update(db(ctx), actor, id, input.version, patch).await?;
        Ok(PostPayload { post: Post::new(model) })
    }

    /// Publishes a DRAFT of a cluster you edit; an UNPUBLISHED post goes back up only by a
    /// moderator (the partner of the cluster's country, or an administrator).
    async fn publish_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post and the version you read.")] input: ChangePostInput,
    ) -> AppResult<PostPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::publish(db(ctx), actor, id, input.version).await?;
        // After the commit, so a subscriber reading the post back finds it published.
        notification::publish(hub(ctx), Notification::PostPublished { post_id: model.id });
        Ok(PostPayload { post: Post::new(model) })
    }

    /// Takes a PUBLISHED post down with a reason (moderation): the partner of the cluster's
    /// country, or an administrator.
    async fn unpublish_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post, the version you read and the reason.")] input: UnpublishPostInput,
    ) -> AppResult<PostPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::unpublish(db(ctx), actor, id, input.version, input.reason).await?;
        Ok(PostPayload { post: Post::new(model) })
    }

    /// Deletes a post of a cluster you edit.
    async fn delete_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post and the version you read.")] input: ChangePostInput,
    ) -> AppResult<DeletePostPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        domain::delete(db(ctx), actor, id, input.version).await?;
        Ok(DeletePostPayload {
            deleted_post_id: input.id,
        })
    }
}
