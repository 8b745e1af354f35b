//! A cluster's answer to a success story that names it: the story shows on the cluster only
//! once one of its editors confirms.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::{
    cluster::TYPE_NAME as CLUSTER,
    context::{caller, db},
    node,
    success_story::{SuccessStory, TYPE_NAME as STORY},
};
use crate::{
    domain::{policy, success_story},
    error::AppResult,
};

/// Your cluster's answer to a story that names it.
#[derive(InputObject)]
pub struct RespondToSuccessStoryInput {
    /// The story's global ID.
    pub success_story_id: ID,
    /// Your cluster, named by the story.
    pub cluster_id: ID,
    /// True to appear in the story; false to leave it.
    pub confirm: bool,
}

/// The result of `respondToSuccessStory`.
#[derive(SimpleObject)]
pub struct RespondToSuccessStoryPayload {
    /// The story as it now stands, with its new `version`.
    pub success_story: SuccessStory,
}

#[derive(Default)]
pub struct StoryConsentMutation;

#[Object]
impl StoryConsentMutation {
    /// Confirms or declines a story that another cluster's editors told about your cluster.
    /// Until confirmed, it is listed on neither side for anyone but your cluster's editors.
    async fn respond_to_success_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RespondToSuccessStoryInput`.")]
        input: RespondToSuccessStoryInput,
    ) -> AppResult<RespondToSuccessStoryPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("successStoryId", &input.success_story_id, STORY)?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let model = success_story::respond(db(ctx), actor, id, cluster_id, input.confirm).await?;
        Ok(RespondToSuccessStoryPayload {
            success_story: SuccessStory(model),
        })
    }
}
