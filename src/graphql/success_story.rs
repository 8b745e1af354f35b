//! Success stories in GraphQL.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::success_story as row;

use super::{
    cluster::{patch, Cluster, TYPE_NAME as CLUSTER},
    connection::{nested_connection, total_count_if_selected, ClusterConnection, Connection, SuccessStoryConnection},
    context::{caller, db, loaders},
    cost::page_cost,
    enums::StoryOutcome,
    loaders as l, node,
    partnership::{Partnership, TYPE_NAME as PARTNERSHIP},
};
use crate::{
    domain::{
        pagination::PageRequest,
        policy,
        success_story::{self as domain, StoryProfile},
    },
    error::AppResult,
};

pub const TYPE_NAME: &str = "SuccessStory";

/// How a cooperation between clusters came about and what it led to.
#[derive(Clone)]
pub struct SuccessStory(pub row::Model);

#[Object]
impl SuccessStory {
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }
    async fn outcome(&self) -> StoryOutcome {
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
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The clusters involved that you may see, by name.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn clusters(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<ClusterConnection> {
        let request = PageRequest::new(first, after, last, before);
        nested_connection(ctx, l::StoryClustersOf(self.0.id), request, Cluster).await
    }
}

#[derive(Default)]
pub struct SuccessStoryQuery;

#[Object]
impl SuccessStoryQuery {
    async fn success_story(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<SuccessStory>> {
        let id = node::decode("id", &id, TYPE_NAME)?;
        Ok(loaders(ctx).load_one(l::StoryById(id)).await?.map(SuccessStory))
    }

    /// Success stories, newest first.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn success_stories(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<SuccessStoryConnection> {
        let window = PageRequest::new(first, after, last, before).window()?;
        let page = domain::list(db(ctx), &window).await?;
        let total = total_count_if_selected(ctx, domain::count(db(ctx))).await?;
        Ok(SuccessStoryConnection::new(page.map(SuccessStory), total))
    }
}

#[derive(InputObject)]
pub struct CreateSuccessStoryInput {
    pub title: String,
    pub summary: String,
    pub body: Option<String>,
    pub outcome: StoryOutcome,
    pub began_in: Option<i32>,
    pub partnership_id: Option<ID>,
    /// The clusters involved; at least one.
    pub cluster_ids: Vec<ID>,
}

#[derive(InputObject)]
pub struct UpdateSuccessStoryInput {
    pub id: ID,
    pub version: i32,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: MaybeUndefined<String>,
    pub outcome: Option<StoryOutcome>,
    pub began_in: MaybeUndefined<i32>,
    pub partnership_id: MaybeUndefined<ID>,
    pub cluster_ids: Option<Vec<ID>>,
}

#[derive(InputObject)]
pub struct DeleteSuccessStoryInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct CreateSuccessStoryPayload {
    pub success_story: SuccessStory,
}

#[derive(SimpleObject)]
pub struct UpdateSuccessStoryPayload {
    pub success_story: SuccessStory,
}

#[derive(SimpleObject)]
pub struct DeleteSuccessStoryPayload {
    pub deleted_success_story_id: ID,
}

#[derive(Default)]
pub struct SuccessStoryMutation;

#[Object]
impl SuccessStoryMutation {
    async fn create_success_story(
        &self,
        ctx: &Context<'_>,
        input: CreateSuccessStoryInput,
    ) -> AppResult<CreateSuccessStoryPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let profile = StoryProfile {
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
        };
        let model = domain::create(db(ctx), actor, profile).await?;
        Ok(CreateSuccessStoryPayload {
            success_story: SuccessStory(model),
        })
    }

    /// Changes a story, provided nobody else changed it since you read `version`.
    async fn update_success_story(
        &self,
        ctx: &Context<'_>,
        input: UpdateSuccessStoryInput,
    ) -> AppResult<UpdateSuccessStoryPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let partnership_id = node::decode_patch("partnershipId", &input.partnership_id, PARTNERSHIP)?;
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
            if let Some(ids) = cluster_ids {
                p.cluster_ids = ids;
            }
        })
        .await?;
        Ok(UpdateSuccessStoryPayload {
            success_story: SuccessStory(model),
        })
    }

    async fn delete_success_story(
        &self,
        ctx: &Context<'_>,
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
