//! AG-UI (docs.ag-ui.com) over `POST /v1/ag-ui`: the request's `RunAgentInput` (`input.rs`) and its
//! messages' content parts (`parts.rs`),
//! Telltale's events mapped to AG-UI's (`events.rs`), and the endpoint (`handler.rs`).

mod events;
mod handler;
mod input;
mod parts;

pub(crate) use handler::run;
