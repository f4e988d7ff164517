//! OpenAI-compatible servers on this computer (Ollama, LM Studio, llama.cpp's server, vLLM),
//! found by asking each one's usual port for its model list with a short timeout. Nothing is
//! sent anywhere but 127.0.0.1, and no key.

use std::time::Duration;

use serde::Serialize;
use telltale_agent::providers::ProviderKind;
use ts_rs::TS;

/// Where a kind of server listens by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownServer {
    pub name: &'static str,
    /// The preset that reaches it (`custom` for one without its own).
    pub preset_id: &'static str,
    pub port: u16,
}

/// The servers looked for, on their usual ports.
pub const KNOWN: [KnownServer; 4] = [
    KnownServer { name: "Ollama", preset_id: "ollama", port: 11434 },
    KnownServer { name: "LM Studio", preset_id: "lmstudio", port: 1234 },
    KnownServer { name: "llama.cpp", preset_id: "custom", port: 8080 },
    KnownServer { name: "vLLM", preset_id: "custom", port: 8000 },
];

/// How long a port may take to answer: a server on this computer answers in milliseconds.
pub const TIMEOUT: Duration = Duration::from_millis(800);

/// A server found, with the models it offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LocalServer {
    pub name: String,
    /// The preset to use it with (its base URL goes with it).
    pub preset_id: String,
    /// `http://127.0.0.1:PORT/v1`
    pub base_url: String,
    /// Sorted; never empty (a server without a model is not offered).
    pub models: Vec<String>,
}

/// The servers of `known` that answer `GET /v1/models` with at least one model within
/// `timeout`, all asked at once, in `known`'s order.
pub async fn discover(known: &[KnownServer], timeout: Duration) -> Vec<LocalServer> {
    let mut asks = tokio::task::JoinSet::new();
    for (index, server) in known.iter().copied().enumerate() {
        asks.spawn(async move {
            let base_url = format!("http://127.0.0.1:{}/v1", server.port);
            let kind = ProviderKind::Openai;
            let models = crate::models::list_within(kind, Some(&base_url), None, timeout).await;
            let found = LocalServer {
                name: server.name.to_owned(),
                preset_id: server.preset_id.to_owned(),
                base_url,
                models,
            };
            (index, found)
        });
    }
    let mut found: Vec<(usize, LocalServer)> =
        asks.join_all().await.into_iter().filter(|(_, server)| !server.models.is_empty()).collect();
    found.sort_by_key(|(index, _)| *index);
    let found: Vec<LocalServer> = found.into_iter().map(|(_, server)| server).collect();
    tracing::debug!(found = found.len(), "local model servers");
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A fake OpenAI-compatible server on a loopback port: answers every request with `body`
    /// after `delay`. Returns its port.
    async fn fake_server(body: &'static str, delay: Duration) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = stream.read(&mut request).await;
                    tokio::time::sleep(delay).await;
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(body.as_bytes()).await;
                });
            }
        });
        port
    }

    /// A loopback port nothing listens on.
    async fn closed_port() -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn finds_the_servers_that_answer_with_models_and_skips_the_rest() {
        let models = r#"{"object":"list","data":[{"id":"qwen2.5:7b"},{"id":"llama3.2"}]}"#;
        let ollama = fake_server(models, Duration::ZERO).await;
        let empty = fake_server(r#"{"data":[]}"#, Duration::ZERO).await;
        let slow = fake_server(models, Duration::from_secs(5)).await;
        let nothing = closed_port().await;
        let known = [
            KnownServer { name: "Ollama", preset_id: "ollama", port: ollama },
            KnownServer { name: "LM Studio", preset_id: "lmstudio", port: empty },
            KnownServer { name: "llama.cpp", preset_id: "custom", port: slow },
            KnownServer { name: "vLLM", preset_id: "custom", port: nothing },
        ];
        let started = std::time::Instant::now();
        let found = discover(&known, Duration::from_millis(300)).await;
        assert!(started.elapsed() < Duration::from_secs(2), "asked at once, with the timeout");
        assert_eq!(
            found,
            [LocalServer {
                name: "Ollama".into(),
                preset_id: "ollama".into(),
                base_url: format!("http://127.0.0.1:{ollama}/v1"),
                models: vec!["llama3.2".into(), "qwen2.5:7b".into()],
            }]
        );
    }

    #[test]
    fn the_usual_ports_are_looked_for() {
        let ports: Vec<(&str, u16)> = KNOWN.iter().map(|s| (s.name, s.port)).collect();
        assert_eq!(
            ports,
            [("Ollama", 11434), ("LM Studio", 1234), ("llama.cpp", 8080), ("vLLM", 8000)]
        );
        assert!(KNOWN.iter().all(|s| crate::model::preset(s.preset_id).is_some()));
    }
}
