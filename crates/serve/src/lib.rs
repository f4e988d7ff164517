//! `telltale serve`: the agent over HTTP. A client starts a run with `POST /v1/runs`, reads its
//! events as Server-Sent Events from `GET /v1/runs/{run_id}/events` (one SSE event per protocol
//! event, `id` its `seq`; resumed with `Last-Event-ID`, a finished run replayed from the
//! history), answers its approvals (`POST /v1/runs/{run_id}/approvals/{call_id}`), cancels one
//! tool call, and stops it with `POST /v1/runs/{run_id}/cancel`; `GET /v1/conversations`,
//! `GET /v1/conversations/{id}` and `…/export` read the history. Every request carries the server's bearer
//! token. The runs are the session layer's (`telltale_session`): a client that goes away never
//! stops one. The built UI is served at `/` (`ui.rs`), so a browser gets the same chat as the
//! desktop window. See docs/http-api.md.

mod ag_ui;
mod approvals;
mod attachments;
mod auth;
mod bind;
mod choose;
mod conversation_edits;
mod conversations;
mod cors;
mod error;
mod events;
mod info;
mod runs;
mod runs_in_progress;
mod ui;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;
use telltale_session::Session;
use tokio::net::TcpListener;

pub use bind::{check_bind, new_token};
pub use choose::AgentChooser;
pub use cors::CorsOrigin;
pub use error::ServeError;
pub use ui::find_ui_dir;

/// How long a stream may stay quiet before a `ping` is sent, unless configured otherwise.
pub const DEFAULT_KEEPALIVE: Duration = Duration::from_secs(15);

/// What the server needs: the session its runs go through, the token every request must
/// carry, the keep-alive interval of its event streams, how to make a run's agent when it names
/// its own provider or model, and the origins CORS lets in.
#[derive(Clone)]
pub struct ServeConfig {
    pub session: Session,
    pub token: String,
    pub keepalive: Duration,
    /// None: every run uses the session's agent, and a run naming another is refused.
    pub choose_agent: Option<AgentChooser>,
    /// The origins whose browser pages may call the API (CORS); none: CORS is closed.
    pub cors_origins: Vec<CorsOrigin>,
    /// The built UI served at `/` (none: a page there says how to build it).
    pub ui_dir: Option<PathBuf>,
}

impl ServeConfig {
    /// `session` served behind `token`, with the default keep-alive and nothing else.
    pub fn new(session: Session, token: String) -> ServeConfig {
        ServeConfig {
            session,
            token,
            keepalive: DEFAULT_KEEPALIVE,
            choose_agent: None,
            cors_origins: Vec::new(),
            ui_dir: None,
        }
    }
}

/// The state every handler shares.
pub(crate) struct AppState {
    pub session: Session,
    pub keepalive: Duration,
    pub choose_agent: Option<AgentChooser>,
}

/// The routes, behind the bearer-token check.
pub fn router(config: ServeConfig) -> Router {
    let ServeConfig { session, token, keepalive, choose_agent, cors_origins, ui_dir } = config;
    let state = Arc::new(AppState { session, keepalive, choose_agent });
    let routes = Router::new()
        .route("/v1/info", get(info::info))
        .route(
            "/v1/runs",
            post(runs::create)
                .layer(DefaultBodyLimit::max(attachments::BODY_LIMIT))
                .get(runs_in_progress::list),
        )
        .route(
            "/v1/attachments/check",
            post(attachments::check).layer(DefaultBodyLimit::max(attachments::BODY_LIMIT)),
        )
        .route("/v1/conversations/{conversation_id}/attachments/{sha256}", get(attachments::data))
        .route("/v1/runs/{run_id}/events", get(events::stream))
        .route("/v1/runs/{run_id}/cancel", post(runs::cancel))
        .route("/v1/runs/{run_id}/approvals/{call_id}", post(approvals::answer))
        .route("/v1/runs/{run_id}/tool-calls/{call_id}/cancel", post(approvals::cancel_call))
        .route("/v1/conversations", get(conversations::list))
        .route(
            "/v1/conversations/{conversation_id}",
            get(conversations::read)
                .patch(conversation_edits::rename)
                .delete(conversation_edits::delete),
        )
        .route("/v1/conversations/{conversation_id}/restore", post(conversation_edits::restore))
        .route("/v1/conversations/{conversation_id}/shown", put(conversation_edits::show_run))
        .route("/v1/search", get(conversation_edits::search))
        .route("/v1/history/status", get(info::history_status))
        .route("/v1/conversations/{conversation_id}/export", get(conversations::export))
        .route("/v1/ag-ui", post(ag_ui::run).layer(DefaultBodyLimit::max(attachments::BODY_LIMIT)))
        .route("/v1/openapi.json", get(openapi))
        .with_state(state)
        .fallback_service(ui::files(ui_dir))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(auth::Auth::new(token)),
            auth::require_token,
        ));
    with_cors(routes, cors_origins)
}

/// The CORS layer (around the token check: a preflight carries no token) when origins are
/// listed, kept to them by its gate.
fn with_cors(routes: Router, origins: Vec<CorsOrigin>) -> Router {
    if origins.is_empty() {
        return routes;
    }
    let cors = Arc::new(cors::Cors::new(origins));
    routes.layer(cors.layer()).layer(axum::middleware::from_fn_with_state(cors, cors::gate))
}

/// The OpenAPI 3.1 document of every endpoint (`src/openapi.json`, written by hand; a test
/// checks it names every route of [`router`]).
pub const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// Serves `config` on `listener` until the process ends (or the server fails).
pub async fn serve(listener: TcpListener, config: ServeConfig) -> Result<(), ServeError> {
    axum::serve(listener, router(config)).await.map_err(ServeError::Serve)
}
