//! The HTTP face of the service; built the same way by `main` and by the tests.

use std::net::TcpListener;

use actix_web::{
    http::{header, Method, StatusCode},
    middleware, web, App, HttpRequest, HttpResponse, HttpServer, Responder,
};
use async_graphql::{http::GraphiQLSource, parser::types::OperationType};
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use sea_orm::DatabaseConnection;

use crate::{
    auth::{Caller, TokenService},
    domain::api_key,
    error::AppError,
    graphql::{self, ClusterSchema},
};

/// What every request handler shares.
pub struct AppState {
    pub schema: ClusterSchema,
    pub db: DatabaseConnection,
    pub tokens: TokenService,
}

impl AppState {
    pub fn new(db: DatabaseConnection, tokens: TokenService) -> Self {
        Self {
            schema: graphql::build_schema(db.clone(), tokens.clone()),
            db,
            tokens,
        }
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql_endpoint))
            .route(web::get().to(graphql_endpoint)),
    )
    .route("/", web::get().to(graphiql))
    .route("/healthz", web::get().to(healthz));
}

/// The HTTP server on `listener`; it runs when awaited, until told to stop.
pub fn server(listener: TcpListener, state: AppState, workers: usize) -> std::io::Result<actix_web::dev::Server> {
    let state = web::Data::new(state);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(middleware::Logger::new("%r %s %b %Dms"))
            .configure(routes)
    })
    .workers(workers)
    .listen(listener)?
    .run())
}

/// The query GraphiQL opens with, so a first visitor sees the demo data at once.
pub const EXAMPLE_QUERY: &str = r#"# Taiwanese cluster organisations registered by CNFI, with their partnerships
query TaiwaneseClusters {
  clusters(filter: {countries: ["TW"]}, first: 5) {
    totalCount
    nodes {
      name
      localName
      acronym
      ecosystems
      representedBy { acronym }
      partnerships(first: 3) {
        nodes { name kind }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"#;

async fn graphiql() -> HttpResponse {
    let page = GraphiQLSource::build()
        .endpoint("/graphql")
        .title("clusterbridge")
        .finish();
    // GraphiQLSource has no option for a default query; GraphiQL itself takes `defaultQuery`.
    let example = serde_json::to_string(EXAMPLE_QUERY).unwrap_or_default();
    let page = page.replacen(
        "defaultEditorToolsVisibility: true,",
        &format!("defaultEditorToolsVisibility: true, defaultQuery: {example},"),
        1,
    );
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page)
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

async fn graphql_endpoint(
    state: web::Data<AppState>,
    http: HttpRequest,
    request: Result<GraphQLRequest, actix_web::Error>,
) -> HttpResponse {
    let request = match request {
        Ok(request) => request,
        Err(err) => {
            tracing::debug!(%err, "unreadable GraphQL request");
            let err = AppError::BadUserInput {
                message: "the request is not a GraphQL request: send JSON with a `query` string".into(),
                fields: vec![],
            };
            return error_response(StatusCode::BAD_REQUEST, &err);
        }
    };
    let caller = match authenticate(&state, &http).await {
        Ok(caller) => caller,
        Err(err) => {
            return error_response(StatusCode::UNAUTHORIZED, &err).map_into_boxed_body();
        }
    };
    let request = request.into_inner();
    // GET is for reads: a link or an <img> must never change data.
    if http.method() == Method::GET && is_mutation(&request) {
        let mut response = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &AppError::BadUserInput {
                message: "mutations must be sent with POST".into(),
                fields: vec![],
            },
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    let response = state
        .schema
        .execute(graphql::request_data(request, &state.db, caller))
        .await;
    GraphQLResponse::from(response).respond_to(&http).map_into_boxed_body()
}

/// Reads the bearer credential, if any: an access token or a partner system's API key. One that
/// is present but bad is an error, never anonymous.
async fn authenticate(state: &AppState, http: &HttpRequest) -> Result<Caller, AppError> {
    let Some(value) = http.headers().get(header::AUTHORIZATION) else {
        return Ok(Caller::Anonymous);
    };
    let value = value
        .to_str()
        .map_err(|_| AppError::Unauthenticated("malformed Authorization header".into()))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| AppError::Unauthenticated("use Authorization: Bearer <token>".into()))?
        .trim();
    let principal = if api_key::looks_like_key(token) {
        api_key::authenticate(&state.db, token).await?
    } else {
        state.tokens.verify(token)?
    };
    Ok(Caller::Signed(principal))
}

fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let wanted = request.operation_name.as_deref();
    document
        .operations
        .iter()
        .filter(|(name, _)| wanted.is_none() || name.map(|n| n.as_str()) == wanted)
        .any(|(_, op)| op.node.ty == OperationType::Mutation)
}

/// A GraphQL-shaped error body for failures before the schema runs.
fn error_response(status: StatusCode, err: &AppError) -> HttpResponse {
    let body = serde_json::json!({
        "errors": [{ "message": err.to_string(), "extensions": { "code": err.code() } }]
    });
    let mut response = HttpResponse::build(status);
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\""));
    }
    response.json(body)
}
