//! Parser throughput in MB/s and allocations per event (issue 9, target 7): SSE parsing, and each
//! provider's stream decoding, over the shared wire recordings replicated to about 1 MB and over
//! synthetic streams of many small tokens.
//!
//! `cargo bench -p telltale-agent --bench parsers` prints a summary table (median of quick timed
//! runs, and allocations per event counted by this binary's global allocator), then runs criterion
//! on the same inputs. `PARSERS_SUMMARY_ONLY=1` prints only the table.
//!
//! Stages: `sse` = bytes → events with the body read as a server flushes it (one event per write)
//! and in 4 KiB reads; `decode` = parsed events → tokens on the step sink (the provider's decoder,
//! the sink and the run's event channel); `wire` = both in a row, as a streamed step does.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use support::counting_alloc::{counted, CountingAlloc};
use support::drive::{decode_steps, parse_all, parse_and_drop, wire, Decoder};
use support::inputs::{
    replicated, synthetic_anthropic, synthetic_openai, Format, Input, InputError,
};
use telltale_agent::sse::SseEvent;
use telltale_agent::ProviderError;

#[global_allocator]
static ALLOCATOR: CountingAlloc = CountingAlloc;

/// Timed runs per stage for the summary table (criterion then does its own).
const SUMMARY_RUNS: usize = 21;

#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{input}: the decoder failed: {error}")]
    Decode { input: String, error: ProviderError },
    #[error("{input}: {wire} tokens from the bytes, {decoded} from the parsed events")]
    Tokens { input: String, wire: usize, decoded: usize },
    #[error("{input}: {events} events parsed, {expected} expected")]
    EventCount { input: String, events: usize, expected: usize },
}

/// An input with what every stage needs, prepared once.
struct Prepared {
    input: Input,
    decoder: Decoder,
    events: Vec<SseEvent>,
}

impl Prepared {
    fn new(input: Input) -> Result<Self, BenchError> {
        let decoder = Decoder::new(input.format)
            .map_err(|error| BenchError::Decode { input: input.name.clone(), error })?;
        let events = parse_all(&input.event_chunks());
        if events.len() != input.events() {
            return Err(BenchError::EventCount {
                input: input.name.clone(),
                events: events.len(),
                expected: input.events(),
            });
        }
        let tokens = decode_steps(&decoder, &events, input.events_per_step)
            .map_err(|error| BenchError::Decode { input: input.name.clone(), error })?;
        let wire_tokens = wire(&decoder, &input.step_chunks())
            .map_err(|error| BenchError::Decode { input: input.name.clone(), error })?;
        if wire_tokens != tokens {
            return Err(BenchError::Tokens {
                input: input.name.clone(),
                wire: wire_tokens,
                decoded: tokens,
            });
        }
        Ok(Prepared { input, decoder, events })
    }

    fn mb(&self) -> f64 {
        self.input.bytes.len() as f64 / 1e6
    }
}

fn inputs() -> Result<Vec<Prepared>, BenchError> {
    let inputs = vec![
        replicated("openai_chat_text.sse", Format::OpenAi)?,
        replicated("openai_chat_tools.sse", Format::OpenAi)?,
        synthetic_openai(),
        replicated("anthropic_text.sse", Format::Anthropic)?,
        replicated("anthropic_tools.sse", Format::Anthropic)?,
        synthetic_anthropic(),
    ];
    inputs.into_iter().map(Prepared::new).collect()
}

/// MB/s over [`SUMMARY_RUNS`] runs (the best, least disturbed by other work on the machine, and
/// the median), and allocations per event.
struct Figure {
    best: f64,
    median: f64,
    allocs_per_event: f64,
    bytes_per_event: f64,
}

fn figure(prepared: &Prepared, mut run: impl FnMut()) -> Figure {
    let ((), counts) = counted(&mut run);
    let mut rates: Vec<f64> = (0..SUMMARY_RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            prepared.mb() / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    let events = prepared.input.events() as f64;
    Figure {
        best: rates[rates.len() - 1],
        median: rates[rates.len() / 2],
        allocs_per_event: counts.allocations as f64 / events,
        bytes_per_event: counts.bytes as f64 / events,
    }
}

fn print_summary(all: &[Prepared]) {
    println!(
        "\nparsers: MB/s, best (median) of {SUMMARY_RUNS} runs; allocations per SSE event (bytes allocated per event)"
    );
    println!(
        "{:<34} {:>5} {:>6} | {:<27} | {:<27} | {:<27} | {:<27}",
        "input",
        "MB",
        "events",
        "sse, one event per write",
        "sse, 4 KiB reads",
        "decode (events → tokens)",
        "wire (bytes → tokens)"
    );
    for prepared in all {
        let input = &prepared.input;
        let per_write = input.event_chunks();
        let steps = input.step_chunks();
        let reads = input.fixed_chunks(4096);
        let figures = [
            figure(prepared, || {
                black_box(parse_and_drop(black_box(&per_write)));
            }),
            figure(prepared, || {
                black_box(parse_and_drop(black_box(&reads)));
            }),
            figure(prepared, || {
                let _ = black_box(decode_steps(
                    &prepared.decoder,
                    black_box(&prepared.events),
                    input.events_per_step,
                ));
            }),
            figure(prepared, || {
                let _ = black_box(wire(&prepared.decoder, black_box(&steps)));
            }),
        ];
        let cells: Vec<String> = figures
            .iter()
            .map(|f| {
                format!(
                    "{:>5.0} ({:>4.0}) {:>5.1} ({:>5.0} B)",
                    f.best, f.median, f.allocs_per_event, f.bytes_per_event
                )
            })
            .collect();
        println!(
            "{:<34} {:>5.2} {:>6} | {} | {} | {} | {}",
            input.name,
            prepared.mb(),
            input.events(),
            cells[0],
            cells[1],
            cells[2],
            cells[3]
        );
    }
    println!();
}

fn criterion_runs(all: &[Prepared]) {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    for stage in ["sse", "decode", "wire"] {
        let mut group = criterion.benchmark_group(stage);
        for prepared in all {
            let input = &prepared.input;
            group.throughput(Throughput::BytesDecimal(input.bytes.len() as u64));
            let per_write = input.event_chunks();
            let steps = input.step_chunks();
            match stage {
                "sse" => group.bench_function(&input.name, |b| {
                    b.iter(|| parse_and_drop(black_box(&per_write)))
                }),
                "decode" => group.bench_function(&input.name, |b| {
                    b.iter(|| {
                        decode_steps(
                            &prepared.decoder,
                            black_box(&prepared.events),
                            input.events_per_step,
                        )
                    })
                }),
                _ => group.bench_function(&input.name, |b| {
                    b.iter(|| wire(&prepared.decoder, black_box(&steps)))
                }),
            };
        }
        group.finish();
    }
    criterion.final_summary();
}

fn main() {
    let all = match inputs() {
        Ok(all) => all,
        Err(error) => {
            eprintln!("parsers bench: {error}");
            std::process::exit(1);
        }
    };
    print_summary(&all);
    if std::env::var_os("PARSERS_SUMMARY_ONLY").is_none() {
        criterion_runs(&all);
    }
}
