//! The models that refused images in this session: once a provider refused a request that
//! carried images (`model_takes_no_images`), later runs whose prompt or conversation carries
//! images for that model (the same provider, address and model) fail at once, before anything is
//! sent. Shared by every front end of the session (the window, the CLI, `serve`); forgotten when
//! the process ends, since a server may gain the model's vision later.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use telltale_agent::{Agent, Provider, ProviderError, StepRequest, StepResponse, StepSink};
use telltale_protocol::{AttachmentKind, ErrorCode, Message};

/// Which model at which server: the provider's id, its address and the model.
type ModelKey = (String, String, String);

/// The models that refused images, shared by the session's clones.
#[derive(Clone, Default)]
pub(crate) struct ImageRefusals {
    models: Arc<Mutex<HashSet<ModelKey>>>,
}

impl ImageRefusals {
    /// `agent` with its provider behind this memory; its tools and settings as they are.
    pub(crate) fn guard(&self, agent: Arc<Agent>) -> Arc<Agent> {
        let provider =
            Arc::new(Guarded { inner: agent.provider().clone(), refusals: self.clone() });
        Arc::new(Agent::new(provider, agent.tools().clone(), agent.config().clone()))
    }

    fn refused(&self, key: &ModelKey) -> bool {
        self.models.lock().unwrap_or_else(|e| e.into_inner()).contains(key)
    }

    fn remember(&self, key: ModelKey) {
        self.models.lock().unwrap_or_else(|e| e.into_inner()).insert(key);
    }
}

/// A provider whose requests with images fail at once for a model that refused them, and whose
/// refusals of images are remembered.
struct Guarded {
    inner: Arc<dyn Provider>,
    refusals: ImageRefusals,
}

impl Guarded {
    fn key(&self) -> ModelKey {
        let inner = &self.inner;
        (inner.id().to_owned(), inner.address().to_owned(), inner.model().to_owned())
    }
}

fn carries_images(messages: &[Message]) -> bool {
    messages.iter().any(|m| {
        matches!(m, Message::User { attachments, .. }
            if attachments.iter().any(|a| a.kind() == AttachmentKind::Image))
    })
}

#[async_trait]
impl Provider for Guarded {
    fn id(&self) -> &str {
        self.inner.id()
    }

    fn model(&self) -> &str {
        self.inner.model()
    }

    fn label(&self) -> String {
        self.inner.label()
    }

    fn address(&self) -> &str {
        self.inner.address()
    }

    async fn step(
        &self,
        request: StepRequest<'_>,
        sink: &StepSink,
    ) -> Result<StepResponse, ProviderError> {
        let images = carries_images(request.messages);
        if images && self.refusals.refused(&self.key()) {
            return Err(ProviderError::new(
                ErrorCode::ModelTakesNoImages,
                format!(
                    "The model \"{}\" does not take images (it refused them earlier), so nothing \
                     was sent. Remove the images from the prompt (or start a new conversation \
                     when earlier messages carry them), or pick a model that takes images (a \
                     vision model).",
                    self.inner.model()
                ),
                false,
            ));
        }
        let answer = self.inner.step(request, sink).await;
        if let Err(error) = &answer {
            if images && error.code == ErrorCode::ModelTakesNoImages {
                self.refusals.remember(self.key());
            }
        }
        answer
    }
}
