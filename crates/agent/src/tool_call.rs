//! One tool call from start to `tool_result`: the user's approval when the tool asks first, then
//! the call under a watchdog (its time limit, the user cancelling it alone, a panic caught), and
//! its output with the user's keys removed.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use serde_json::Value;
use telltale_protocol::{EventKind, StatusIcon, ToolCall};
use tokio_util::sync::CancellationToken;

use crate::controls::{Decision, RunControls};
use crate::emitter::Emitter;
use crate::secrets::Secrets;
use crate::tools::{ProgressSink, Tool, ToolError};

/// What one call needs from its run.
pub(crate) struct CallContext {
    /// Why the call is not run at all (a step that made too many calls).
    pub refused: Option<ToolError>,
    pub emitter: Emitter,
    pub controls: RunControls,
    pub tool: Option<Arc<dyn Tool>>,
    /// Whether the call waits for approval (unless the tool was allowed for the run).
    pub ask: bool,
    pub timeout: Duration,
    pub secrets: Secrets,
}

/// Runs `call` to the end, emits its `tool_result`, and returns `(ok, output)`.
pub(crate) async fn execute(ctx: CallContext, call: ToolCall) -> (bool, String) {
    // When the tool itself started: waiting for the user's approval is not the tool's time.
    let mut started = Instant::now();
    let token = ctx.controls.call_started(&call.call_id);
    let result = run(&ctx, &call, &token, &mut started).await;
    // The tool's own time: not the wait for stored keys still being read (below).
    let duration = started.elapsed();
    let (ok, output) = match result {
        Ok(output) => (true, output),
        Err(error) => (false, error.to_string()),
    };
    // The output is checked for the user's keys once they are read (a keychain can be slow, or
    // wait for the user to unlock it); Stop, or cancelling the call, ends the wait.
    let (ok, output) = tokio::select! {
        biased;
        _ = ctx.secrets.loaded() => match ctx.secrets.redact(&output) {
            std::borrow::Cow::Owned(redacted) => (ok, redacted),
            std::borrow::Cow::Borrowed(_) => (ok, output),
        },
        _ = token.cancelled() => (false, ToolError::Cancelled.to_string()),
    };
    ctx.controls.call_ended(&call.call_id);
    let output = limited(output);
    ctx.emitter.emit(EventKind::ToolResult {
        call_id: call.call_id.clone(),
        ok,
        output: output.clone(),
        duration_ms: duration.as_micros() as f64 / 1000.0,
    });
    (ok, output)
}

async fn run(
    ctx: &CallContext,
    call: &ToolCall,
    token: &CancellationToken,
    started: &mut Instant,
) -> Result<String, ToolError> {
    if let Some(refused) = &ctx.refused {
        return Err(refused.clone());
    }
    let Some(tool) = &ctx.tool else {
        return Err(ToolError::Unknown(call.name.clone()));
    };
    let edited = match ctx.ask && !ctx.controls.is_always_allowed(&call.name) {
        true => approval(ctx, tool.as_ref(), call, token).await?,
        false => None,
    };
    let args = edited.clone().unwrap_or_else(|| call.args.clone());
    let progress = ProgressSink::new(ctx.emitter.clone(), call.call_id.clone());
    let limit = tool.timeout().unwrap_or(ctx.timeout);
    *started = Instant::now();
    let work = AssertUnwindSafe(tool.call_with_progress(args, progress)).catch_unwind();
    let outcome = tokio::select! {
        biased;
        _ = token.cancelled() => return Err(ToolError::Cancelled),
        outcome = tokio::time::timeout(limit, work) => outcome,
    };
    let output = match outcome {
        Err(_) => Err(ToolError::TimedOut(limit)),
        Ok(Err(panic)) => Err(ToolError::Crashed(panic_message(panic.as_ref()))),
        Ok(Ok(result)) => result,
    }?;
    Ok(match edited {
        Some(args) => {
            format!("(The user changed the arguments to {args} before approving.)\n{output}")
        }
        None => output,
    })
}

/// Waits for the user's decision on `call`; the arguments they edited, if they did.
async fn approval(
    ctx: &CallContext,
    tool: &dyn Tool,
    call: &ToolCall,
    token: &CancellationToken,
) -> Result<Option<Value>, ToolError> {
    // Registered before it is announced, so that no answer can come too early.
    let waiting = ctx.controls.wait_for_approval(&call.call_id, &call.name);
    ctx.emitter.emit(EventKind::ApprovalRequired {
        call_id: call.call_id.clone(),
        name: call.name.clone(),
        args: call.args.clone(),
    });
    ctx.emitter.emit(EventKind::Status {
        message: format!("Waiting for your approval to run {}…", call.name),
        icon: Some(StatusIcon::Approval),
    });
    ctx.emitter.set_waiting_for(Some(format!("your approval of {}", call.name)));
    let decision = tokio::select! {
        biased;
        _ = token.cancelled() => {
            ctx.controls.forget_approval(&call.call_id);
            return Err(ToolError::Cancelled);
        }
        decision = waiting => decision.unwrap_or(Decision::Deny),
    };
    let resolved = |approved: bool, args: Option<Value>, always: bool| {
        EventKind::ApprovalResolved { call_id: call.call_id.clone(), approved, args, always }
    };
    match decision {
        Decision::Deny => {
            ctx.emitter.emit(resolved(false, None, false));
            Err(ToolError::Denied)
        }
        Decision::Approve { args, always } => {
            let edited = args.filter(|args| *args != call.args);
            if edited.as_ref().is_some_and(|args| !args.is_object()) {
                ctx.emitter.emit(resolved(false, None, false));
                return Err(ToolError::InvalidArgs(
                    "the edited arguments are not a JSON object".into(),
                ));
            }
            if always {
                ctx.controls.allow_always(&call.name);
            }
            ctx.emitter.emit(resolved(true, edited.clone(), always));
            let (message, icon) = tool.status(edited.as_ref().unwrap_or(&call.args));
            ctx.emitter.emit(EventKind::Status { message, icon: Some(icon) });
            ctx.emitter.set_waiting_for(Some(call.name.clone()));
            Ok(edited)
        }
    }
}

/// Most output of one call kept (for the model, the window and the history).
pub const MAX_TOOL_OUTPUT: usize = 128 * 1024;

/// `output`, cut at [`MAX_TOOL_OUTPUT`] (on a character boundary) with a note saying so.
fn limited(mut output: String) -> String {
    if output.len() <= MAX_TOOL_OUTPUT {
        return output;
    }
    let total = output.len();
    let mut end = MAX_TOOL_OUTPUT;
    while !output.is_char_boundary(end) {
        end -= 1;
    }
    output.truncate(end);
    output.push_str(&format!(
        "\n[… cut: the tool returned {} KB; the first {} KB are kept]",
        total / 1024,
        MAX_TOOL_OUTPUT / 1024
    ));
    output
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "it panicked".to_owned())
}
