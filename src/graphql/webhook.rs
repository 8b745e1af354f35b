//! Webhooks in GraphQL: a partner organisation's endpoints (registered, changed, rotated,
//! deleted by its partners or an administrator), their delivery history and redelivery. The
//! rules are in `crate::webhook`; these resolvers read input, decode IDs and map results.
//! A little over 450 lines: the area's types, inputs, payloads and resolvers together, each short.

use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};
use uuid::Uuid;

use crate::{
    domain::{pagination::PageRequest, policy},
    error::AppResult,
    graphql::{
        connection::{total_count_if_selected, Connection, WebhookDeliveryConnection},
        context::{caller, db, loaders},
        loaders as l, node,
        partner_organisation::{PartnerOrganisation, TYPE_NAME as PARTNER_ORGANISATION},
    },
    webhook::{
        delivery as deliveries,
        endpoint::{self as endpoints, EndpointPatch, NewEndpoint},
        WebhookRules,
    },
};

pub const ENDPOINT: &str = "WebhookEndpoint";
pub const DELIVERY: &str = "WebhookDelivery";

/// What a webhook tells of. Each is sent only to endpoints whose partner organisation may see
/// the record: a cluster's events when the profile is published or of the organisation's
/// countries; meetings and expressions of interest when a cluster involved is of its countries.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::webhook::EventType")]
pub enum WebhookEventType {
    /// A cluster profile was made (`cluster.created`).
    ClusterCreated,
    /// A cluster profile changed (`cluster.updated`).
    ClusterUpdated,
    /// A cluster profile was published (`cluster.published`).
    ClusterPublished,
    /// A cluster took its seat in a partnership (`partnership.joined`).
    PartnershipJoined,
    /// A meeting was requested at a matchmaking event (`meeting.requested`).
    MeetingRequested,
    /// A meeting got its slot when an event was scheduled (`meeting.scheduled`).
    MeetingScheduled,
    /// A cluster's post was published (`post.published`).
    PostPublished,
    /// Someone expressed interest in a partner search (`interest.expressed`).
    InterestExpressed,
}

/// Whether deliveries go out to an endpoint.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "webhook_endpoint::EndpointStatus")]
pub enum WebhookEndpointStatus {
    /// Deliveries go out.
    Enabled,
    /// Disabled by its owner, or by the service after failing too long; enable it with
    /// `updateWebhookEndpoint(input: {enabled: true})`.
    Disabled,
}

/// Where a delivery stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "webhook_delivery::DeliveryStatus")]
pub enum WebhookDeliveryStatus {
    /// Waiting for its next attempt (`nextAttemptAt`).
    Queued,
    /// Being sent, until its sender's lease runs out.
    Sending,
    /// The receiver answered 2xx.
    Sent,
    /// Out of attempts, or its endpoint was disabled; sent again only by `redeliverWebhook`.
    Failed,
}

#[derive(Clone)]
pub struct WebhookEndpoint {
    pub model: webhook_endpoint::Model,
    pub event_types: Vec<crate::webhook::EventType>,
}

impl WebhookEndpoint {
    async fn load(ctx: &Context<'_>, model: webhook_endpoint::Model) -> AppResult<Self> {
        let event_types = endpoints::event_types_of(db(ctx), &[model.id])
            .await?
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        Ok(Self { model, event_types })
    }

    /// Endpoints with their event types, read in one statement for all of them.
    pub async fn load_all<C: sea_orm::ConnectionTrait>(
        db: &C,
        models: Vec<webhook_endpoint::Model>,
    ) -> AppResult<Vec<Self>> {
        let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
        let types = endpoints::event_types_of(db, &ids).await?;
        Ok(models
            .into_iter()
            .map(|model| WebhookEndpoint {
                event_types: types
                    .iter()
                    .filter(|(id, _)| *id == model.id)
                    .map(|(_, t)| *t)
                    .collect(),
                model,
            })
            .collect())
    }
}

#[Object]
/// A URL of a partner organisation that events are posted to, signed as Standard Webhooks says.
impl WebhookEndpoint {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(ENDPOINT, self.model.id)
    }
    /// Where deliveries are posted.
    async fn url(&self) -> &str {
        &self.model.url
    }
    /// A note for people.
    async fn description(&self) -> Option<&str> {
        self.model.description.as_deref()
    }
    /// The events it is sent.
    async fn event_types(&self) -> Vec<WebhookEventType> {
        self.event_types.iter().map(|t| (*t).into()).collect()
    }
    /// Whether deliveries go out.
    async fn status(&self) -> WebhookEndpointStatus {
        self.model.status.into()
    }
    /// When its current run of failed deliveries began; null after a success.
    async fn failing_since(&self) -> Option<DateTime<Utc>> {
        self.model.failing_since
    }
    /// When it was disabled; null while enabled.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.model.disabled_at
    }
    /// Until when the secret before the last rotation still signs (a second signature); null
    /// when only the current one does.
    async fn previous_secret_expires_at(&self) -> Option<DateTime<Utc>> {
        self.model.previous_secret_until.filter(|until| *until > Utc::now())
    }
    /// The partner organisation it belongs to.
    async fn partner_organisation(&self, ctx: &Context<'_>) -> AppResult<Option<PartnerOrganisation>> {
        Ok(loaders(ctx)
            .load_one(l::PartnerOrganisationById(self.model.partner_organisation_id))
            .await?
            .map(PartnerOrganisation))
    }
    /// The version to name in `updateWebhookEndpoint`, `rotateWebhookSecret` and `deleteWebhookEndpoint`.
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }
    /// Its deliveries, newest first.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when not given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
    ) -> AppResult<WebhookDeliveryConnection> {
        // Read only through an endpoint its caller manages (the list and the mutations check).
        let window = PageRequest::new(first, after, None, None).window()?;
        let page = deliveries::deliveries(db(ctx), self.model.id, &window).await?;
        let total = total_count_if_selected(ctx, deliveries::count_deliveries(db(ctx), self.model.id)).await?;
        Ok(WebhookDeliveryConnection::new(page.map(WebhookDelivery), total))
    }
}

#[derive(Clone)]
pub struct WebhookDelivery(pub webhook_delivery::Model);

#[Object]
/// One event sent, or to be sent, to one endpoint.
impl WebhookDelivery {
    /// Opaque global identifier; `redeliverWebhook` takes it.
    pub async fn id(&self) -> ID {
        node::encode(DELIVERY, self.0.id)
    }
    /// The `webhook-id` header it is sent with, the same on every attempt and redelivery.
    async fn webhook_id(&self) -> String {
        format!("msg_{}", self.0.id.simple())
    }
    /// What it tells of.
    async fn event_type(&self) -> Option<WebhookEventType> {
        crate::webhook::EventType::from_code(&self.0.event_type).map(Into::into)
    }
    /// The JSON body posted: `{type, timestamp, data: {id, …}}`.
    async fn payload(&self) -> &str {
        &self.0.payload
    }
    /// Where it stands.
    async fn status(&self) -> WebhookDeliveryStatus {
        self.0.status.into()
    }
    /// Attempts so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// The HTTP status of the last answer; null when none came (refused, timed out).
    async fn response_code(&self) -> Option<i32> {
        self.0.response_code
    }
    /// What went wrong at the last failed attempt.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When it is tried next, while QUEUED.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == webhook_delivery::DeliveryStatus::Queued).then_some(self.0.next_attempt_at)
    }
    /// When the receiver accepted it.
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }
    /// When the event was raised.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

fn rules(ctx: &Context<'_>) -> WebhookRules {
    ctx.data_opt::<WebhookRules>().copied().unwrap_or_default()
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// The webhook endpoints of a partner organisation, oldest first (at most 20).
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner organisation's global ID; you must be one of its partners or an administrator.")]
        partner_organisation_id: ID,
    ) -> AppResult<Vec<WebhookEndpoint>> {
        let actor = policy::signed_in(caller(ctx))?;
        let org = node::decode("partnerOrganisationId", &partner_organisation_id, PARTNER_ORGANISATION)?;
        let models = endpoints::list(db(ctx), actor, org).await?;
        WebhookEndpoint::load_all(db(ctx), models).await
    }
}

/// A new webhook endpoint.
#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// The partner organisation it belongs to; you must be one of its partners or an administrator.
    pub partner_organisation_id: ID,
    /// An absolute `https://` URL of at most 2000 characters, without user name or password, on
    /// a public address.
    pub url: String,
    /// The events to send it; at least one.
    pub event_types: Vec<WebhookEventType>,
    /// A note for people, at most 500 characters.
    pub description: Option<String>,
}

/// The result of `createWebhookEndpoint`.
#[derive(SimpleObject)]
pub struct CreateWebhookEndpointPayload {
    /// The new endpoint.
    pub webhook_endpoint: WebhookEndpoint,
    /// The signing secret (`whsec_` + base64), shown this once: store it with the receiver.
    pub secret: String,
}

/// A change to a webhook endpoint; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateWebhookEndpointInput {
    /// The endpoint's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// A new URL, checked as at registration.
    pub url: Option<String>,
    /// The events to send it from now on; at least one.
    pub event_types: Option<Vec<WebhookEventType>>,
    /// A new note; null clears it.
    pub description: MaybeUndefined<String>,
    /// True enables a disabled endpoint (its failures forgotten); false disables it.
    pub enabled: Option<bool>,
}

/// The result of `updateWebhookEndpoint`.
#[derive(SimpleObject)]
pub struct UpdateWebhookEndpointPayload {
    /// The endpoint as changed.
    pub webhook_endpoint: WebhookEndpoint,
}

/// The endpoint whose secret to rotate.
#[derive(InputObject)]
pub struct RotateWebhookSecretInput {
    /// The endpoint's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
}

/// The result of `rotateWebhookSecret`.
#[derive(SimpleObject)]
pub struct RotateWebhookSecretPayload {
    /// The endpoint, with `previousSecretExpiresAt`.
    pub webhook_endpoint: WebhookEndpoint,
    /// The new signing secret, shown this once.
    pub secret: String,
}

/// The endpoint to delete.
#[derive(InputObject)]
pub struct DeleteWebhookEndpointInput {
    /// The endpoint's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
}

/// The result of `deleteWebhookEndpoint`.
#[derive(SimpleObject)]
pub struct DeleteWebhookEndpointPayload {
    /// The global ID of the endpoint deleted, with its deliveries.
    pub deleted_webhook_endpoint_id: ID,
}

/// The delivery to send again.
#[derive(InputObject)]
pub struct RedeliverWebhookInput {
    /// The delivery's global ID.
    pub delivery_id: ID,
}

/// The result of `redeliverWebhook`.
#[derive(SimpleObject)]
pub struct RedeliverWebhookPayload {
    /// The delivery, QUEUED with no attempts and due at once.
    pub delivery: WebhookDelivery,
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers a webhook endpoint for a partner organisation (its partners or an
    /// administrator; audited). The signing secret is in the payload, this once.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `CreateWebhookEndpointInput`.")]
        input: CreateWebhookEndpointInput,
    ) -> AppResult<CreateWebhookEndpointPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let org = node::decode(
            "partnerOrganisationId",
            &input.partner_organisation_id,
            PARTNER_ORGANISATION,
        )?;
        let new = NewEndpoint {
            partner_organisation: org,
            url: input.url,
            event_types: input.event_types.into_iter().map(Into::into).collect(),
            description: input.description,
        };
        let created = endpoints::create(db(ctx), actor, &rules(ctx), new).await?;
        Ok(CreateWebhookEndpointPayload {
            webhook_endpoint: WebhookEndpoint::load(ctx, created.endpoint).await?,
            secret: created.secret,
        })
    }

    /// Changes a webhook endpoint, or enables or disables it (version checked; audited).
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `UpdateWebhookEndpointInput`.")]
        input: UpdateWebhookEndpointInput,
    ) -> AppResult<UpdateWebhookEndpointPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, ENDPOINT)?;
        let patch = EndpointPatch {
            url: input.url,
            event_types: input
                .event_types
                .map(|types| types.into_iter().map(Into::into).collect()),
            description: match input.description {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(text) => Some(Some(text)),
            },
            enabled: input.enabled,
        };
        let model = endpoints::update(db(ctx), actor, &rules(ctx), id, input.version, patch).await?;
        Ok(UpdateWebhookEndpointPayload {
            webhook_endpoint: WebhookEndpoint::load(ctx, model).await?,
        })
    }

    /// Gives an endpoint a new signing secret, shown this once. For WEBHOOK_SECRET_GRACE seconds
    /// deliveries carry two signatures, the new secret's and the old one's, so the receiver can
    /// switch without losing any (version checked; audited).
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RotateWebhookSecretInput`.")]
        input: RotateWebhookSecretInput,
    ) -> AppResult<RotateWebhookSecretPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, ENDPOINT)?;
        let rotated = endpoints::rotate_secret(db(ctx), actor, &rules(ctx), id, input.version).await?;
        Ok(RotateWebhookSecretPayload {
            webhook_endpoint: WebhookEndpoint::load(ctx, rotated.endpoint).await?,
            secret: rotated.secret,
        })
    }

    /// Deletes an endpoint and its delivery history (version checked; audited).
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `DeleteWebhookEndpointInput`.")]
        input: DeleteWebhookEndpointInput,
    ) -> AppResult<DeleteWebhookEndpointPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, ENDPOINT)?;
        endpoints::delete(db(ctx), actor, id, input.version).await?;
        Ok(DeleteWebhookEndpointPayload {
            deleted_webhook_endpoint_id: input.id,
        })
    }

    /// Queues a SENT or FAILED delivery again, due at once with a fresh count of attempts and
    /// the same `webhook-id` (audited). Its endpoint must be enabled.
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RedeliverWebhookInput`.")]
        input: RedeliverWebhookInput,
    ) -> AppResult<RedeliverWebhookPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("deliveryId", &input.delivery_id, DELIVERY)?;
        Ok(RedeliverWebhookPayload {
            delivery: WebhookDelivery(deliveries::redeliver(db(ctx), actor, id).await?),
        })
    }
}
