//! Success stories in GraphQL.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::success_story as row;

use super::{
    cluster::{patch, Cluster, TYPE_NAME as CLUSTER},
    connection::{nested_connection, total_count_if_selected, ClusterConnection, Connection, SuccessStoryConnection},
    context::{caller, db, loaders, look_up},
    enums::{SuccessStoryOutcome, SuccessStoryStatus},
    loaders as l,
    matchmaking::{event::TYPE_NAME as MATCHMAKING_EVENT, meeting::TYPE_NAME as MEETING},
    node,
    partnership::{Partnership, TYPE_NAME as PARTNERSHIP},
};
use crate::{
    domain::{
        pagination::PageRequest,
        policy::{self, StoryVisibility},
        success_story::{self as domain, StoryFilter, SuccessStoryProfile},
    },
    error::AppResult,
};

pub const TYPE_NAME: &str = "SuccessStory";

#[derive(Clone)]
pub struct SuccessStory(pub row::Model);

#[Object]
/// How a cooperation between clusters came about and what it led to.
impl SuccessStory {
    /// Opaque global identifier; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The story's headline, in `language`.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The language (BCP 47 tag) to answer in.")] locale: Option<String>,
    ) -> AppResult<String> {
        Ok(self.texts(ctx, locale.as_deref()).await?.title)
    }
    /// The story in a few sentences; plain text, in `language`.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The language (BCP 47 tag) to answer in.")] locale: Option<String>,
    ) -> AppResult<String> {
        Ok(self.texts(ctx, locale.as_deref()).await?.summary)
    }
    /// The whole story; plain text, in `language`.
    async fn body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The language (BCP 47 tag) to answer in.")] locale: Option<String>,
    ) -> AppResult<Option<String>> {
        Ok(self.texts(ctx, locale.as_deref()).await?.body)
    }
    /// The language (BCP 47 tag) `title`, `summary` and `body` answer in for the same `locale`:
    /// its best match, else the request's `Accept-Language`'s, else the primary language.
    async fn language(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `locale` given to the texts.")] locale: Option<String>,
    ) -> AppResult<String> {
        Ok(self.texts(ctx, locale.as_deref()).await?.language)
    }
    /// The language the story was written in (BCP 47 tag); its texts fall back to it.
    async fn primary_language(&self) -> &str {
        &self.0.language
    }
    /// The languages (BCP 47 tags) it is translated into besides its primary one, in order.
    async fn translations(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        self.translation_languages(ctx).await
    }
    /// What the cooperation led to.
    async fn outcome(&self) -> SuccessStoryOutcome {
        self.0.outcome.into()
    }
    /// Year the cooperation began.
    async fn began_in(&self) -> Option<i32> {
        self.0.began_in
    }
    /// The partnership the story belongs to, if any.
    async fn partnership(&self, ctx: &Context<'_>) -> AppResult<Option<Partnership>> {
        let Some(id) = self.0.partnership_id else {
            return Ok(None);
        };
        Ok(loaders(ctx).load_one(l::PartnershipById(id)).await?.map(Partnership))
    }
    /// The matchmaking event the cooperation began at, if the story names one.
    async fn matchmaking_event(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<super::matchmaking::event::MatchmakingEvent>> {
        let Some(id) = self.0.matchmaking_event_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)
            .load_one(l::MatchmakingEventById(id))
            .await?
            .map(super::matchmaking::event::MatchmakingEvent))
    }
    /// The meeting the cooperation began at, if the story names one: for its two sides and the
    /// event's organisers, like every meeting (null for others).
    async fn meeting(&self, ctx: &Context<'_>) -> AppResult<Option<super::matchmaking::meeting::Meeting>> {
        let Some(id) = self.0.meeting_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)
            .load_one(l::MeetingById(id))
            .await?
            .map(super::matchmaking::meeting::Meeting))
    }
    /// Where the story stands: drafts and submitted stories are seen only by its author and
    /// the editors and moderators of the clusters it names.
    async fn status(&self) -> SuccessStoryStatus {
        self.0.status.into()
    }
    /// When it was last submitted for publication.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    /// When it was first published; a story returned and published again keeps it.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    /// Why a moderator returned the story to DRAFT: for its author and editors, who alone see
    /// a draft. Null once it is published again.
    async fn moderation_note(&self) -> Option<&str> {
        self.0.moderation_note.as_deref()
    }
    /// Increases with every change; send it back with `updateSuccessStory` and the workflow's
    /// mutations.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the story was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the story last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The clusters involved that you may see, by name.
    async fn clusters(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<ClusterConnection> {
        let request = PageRequest::new(first, after, last, before);
        nested_connection(
            ctx,
            l::NestedList::SuccessStoryClusters,
            self.0.id,
            request,
            |item| match item {
                l::NestedItem::Cluster(c) => Some(Cluster(c)),
                _ => None,
            },
        )
        .await
    }
}

#[derive(Default)]
pub struct SuccessStoryQuery;

#[Object]
impl SuccessStoryQuery {
    /// A success story by its global ID; null when it does not exist.
    async fn success_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The story's global ID.")] id: ID,
    ) -> AppResult<Option<SuccessStory>> {
        let id = node::decode("id", &id, TYPE_NAME)?;
        Ok(look_up(ctx, l::SuccessStoryById(id)).await?.map(SuccessStory))
    }

    /// Success stories of one status: PUBLISHED ones newest published first, unless
    /// `filter.status` asks for drafts or submitted ones (newest written first), which list only
    /// for their author and the editors and moderators of the clusters they name.
    async fn success_stories(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; PUBLISHED stories when not given.")] filter: Option<SuccessStoryFilter>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<SuccessStoryConnection> {
        let window = PageRequest::new(first, after, last, before).window()?;
        let filter = filter
            .map(SuccessStoryFilter::into_domain)
            .transpose()?
            .unwrap_or_default();
        let visibility = StoryVisibility::of(caller(ctx));
        let page = domain::list(db(ctx), &visibility, &filter, &window).await?;
        let total = total_count_if_selected(ctx, domain::count(db(ctx), &visibility, &filter)).await?;
        Ok(SuccessStoryConnection::new(page.map(SuccessStory), total))
    }
}

/// Narrows `successStories`; fields combine.
#[derive(InputObject, Default)]
pub struct SuccessStoryFilter {
    /// Stories of this status; PUBLISHED when not given. Drafts and submitted stories list
    /// only for those who see them.
    pub status: Option<SuccessStoryStatus>,
    /// Stories naming this cluster (its global ID) that it confirmed; for its editors, those it
    /// has yet to answer too.
    pub cluster_id: Option<ID>,
    /// Stories with this outcome.
    pub outcome: Option<SuccessStoryOutcome>,
    /// Only records changed (their `updatedAt`) at or after this moment: a cheap poll for
    /// what changed since the last look (the change feeds also report deletions).
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl SuccessStoryFilter {
    fn into_domain(self) -> AppResult<StoryFilter> {
        Ok(StoryFilter {
            status: self.status.map(Into::into),
            cluster_id: self
                .cluster_id
                .map(|id| node::decode("filter.clusterId", &id, CLUSTER))
                .transpose()?,
            outcome: self.outcome.map(Into::into),
            updated_since: self.updated_since,
        })
    }
}

/// A new success story, written as a DRAFT: submit it with `submitSuccessStory`. You must be
/// able to edit one of the clusters involved.
#[derive(InputObject)]
pub struct CreateSuccessStoryInput {
    /// The headline; trimmed, not empty.
    pub title: String,
    /// The story in a few sentences.
    pub summary: String,
    /// The whole story.
    pub body: Option<String>,
    /// What the cooperation led to.
    pub outcome: SuccessStoryOutcome,
    /// Year the cooperation began.
    pub began_in: Option<i32>,
    /// The partnership the story belongs to: its global ID.
    pub partnership_id: Option<ID>,
    /// The clusters involved; at least one.
    pub cluster_ids: Vec<ID>,
    /// The matchmaking meeting it began at, held by one of its clusters: its global ID. Names
    /// the meeting's event too.
    pub meeting_id: Option<ID>,
    /// The matchmaking event it began at: its global ID.
    pub matchmaking_event_id: Option<ID>,
    /// The language title, summary and body are written in: a BCP 47 tag (`en`, `zh-Hant`,
    /// `zh-TW` …), stored in canonical form; `en` when left out. Other languages are added with
    /// `setSuccessStoryTranslation`.
    pub language: Option<String>,
}

/// Changes to a success story. Left-out fields stay; null clears an optional field.
#[derive(InputObject)]
pub struct UpdateSuccessStoryInput {
    /// The story's global ID.
    pub id: ID,
    /// The `version` you read; a newer one on the server means someone else changed it (CONFLICT).
    pub version: i32,
    /// The headline; trimmed, not empty.
    pub title: Option<String>,
    /// The story in a few sentences.
    pub summary: Option<String>,
    /// The whole story.
    pub body: MaybeUndefined<String>,
    /// What the cooperation led to.
    pub outcome: Option<SuccessStoryOutcome>,
    /// Year the cooperation began.
    pub began_in: MaybeUndefined<i32>,
    /// The partnership the story belongs to: its global ID.
    pub partnership_id: MaybeUndefined<ID>,
    /// The clusters involved, at least one; replaces the list.
    pub cluster_ids: Option<Vec<ID>>,
    /// The matchmaking meeting it began at, held by one of its clusters; a new one brings its
    /// event unless `matchmakingEventId` is given too.
    pub meeting_id: MaybeUndefined<ID>,
    /// The matchmaking event it began at.
    pub matchmaking_event_id: MaybeUndefined<ID>,
    /// The language title, summary and body are written in (BCP 47 tag); not one the story has
    /// a translation in.
    pub language: Option<String>,
}

/// The story to delete.
#[derive(InputObject)]
pub struct DeleteSuccessStoryInput {
    /// The story's global ID.
    pub id: ID,
}

/// The result of `createSuccessStory`.
#[derive(SimpleObject)]
pub struct CreateSuccessStoryPayload {
    /// The new story.
    pub success_story: SuccessStory,
}

/// The result of `updateSuccessStory`.
#[derive(SimpleObject)]
pub struct UpdateSuccessStoryPayload {
    /// The story as changed, with its new `version`.
    pub success_story: SuccessStory,
}

/// The result of `deleteSuccessStory`.
#[derive(SimpleObject)]
pub struct DeleteSuccessStoryPayload {
    /// The global ID of the story that was deleted.
    pub deleted_success_story_id: ID,
}

#[derive(Default)]
pub struct SuccessStoryMutation;

#[Object]
impl SuccessStoryMutation {
    /// Writes a success story of clusters you may edit, as a DRAFT.
    async fn create_success_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `CreateSuccessStoryInput`.")]
        input: CreateSuccessStoryInput,
    ) -> AppResult<CreateSuccessStoryPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let profile = SuccessStoryProfile {
            title: input.title,
            summary: input.summary,
            body: input.body,
            outcome: input.outcome.into(),
            began_in: input.began_in,
            partnership_id: input
                .partnership_id
                .map(|id| node::decode("partnershipId", &id, PARTNERSHIP))
                .transpose()?,
            cluster_ids: node::decode_all("clusterIds", &input.cluster_ids, CLUSTER)?,
            meeting_id: input
                .meeting_id
                .map(|id| node::decode("meetingId", &id, MEETING))
                .transpose()?,
            matchmaking_event_id: input
                .matchmaking_event_id
                .map(|id| node::decode("matchmakingEventId", &id, MATCHMAKING_EVENT))
                .transpose()?,
            language: input.language.unwrap_or_else(|| "en".to_owned()),
        };
        let model = domain::create(db(ctx), actor, profile).await?;
        Ok(CreateSuccessStoryPayload {
            success_story: SuccessStory(model),
        })
    }

    /// Changes a DRAFT or SUBMITTED story, provided nobody else changed it since you read
    /// `version`; a PUBLISHED one is changed after a moderator returned it.
    async fn update_success_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `UpdateSuccessStoryInput`.")]
        input: UpdateSuccessStoryInput,
    ) -> AppResult<UpdateSuccessStoryPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let partnership_id = node::decode_patch("partnershipId", &input.partnership_id, PARTNERSHIP)?;
        let meeting_id = node::decode_patch("meetingId", &input.meeting_id, MEETING)?;
        let event_id = node::decode_patch("matchmakingEventId", &input.matchmaking_event_id, MATCHMAKING_EVENT)?;
        let cluster_ids = input
            .cluster_ids
            .as_deref()
            .map(|ids| node::decode_all("clusterIds", ids, CLUSTER))
            .transpose()?;
        let model = domain::update(db(ctx), actor, id, input.version, |p| {
            if let Some(title) = input.title {
                p.title = title;
            }
            if let Some(summary) = input.summary {
                p.summary = summary;
            }
            patch(&mut p.body, input.body);
            if let Some(outcome) = input.outcome {
                p.outcome = outcome.into();
            }
            patch(&mut p.began_in, input.began_in);
            patch(&mut p.partnership_id, partnership_id);
            patch(&mut p.meeting_id, meeting_id);
            patch(&mut p.matchmaking_event_id, event_id);
            if let Some(ids) = cluster_ids {
                p.cluster_ids = ids;
            }
            if let Some(language) = input.language {
                p.language = language;
            }
        })
        .await?;
        Ok(UpdateSuccessStoryPayload {
            success_story: SuccessStory(model),
        })
    }

    /// Deletes a story: for the editors of a cluster it involves.
    async fn delete_success_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `DeleteSuccessStoryInput`.")]
        input: DeleteSuccessStoryInput,
    ) -> AppResult<DeleteSuccessStoryPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        domain::delete(db(ctx), actor, id).await?;
        Ok(DeleteSuccessStoryPayload {
            deleted_success_story_id: input.id,
        })
    }
}
