// Speed of the two architectures: forward + backward of G and D and one full GAN training step
// at batch 32 on 128 x 512 spectrograms, fp32 and bf16 autocast, with the FLOPs counted from the
// layer shapes and the achieved GFLOP/s. A large bf16 matmul gives the machine's peak for
// comparison. Run: build/bench/model_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include "model/autocast.h"
#include "model/gan_models.h"
#include "run_benchmarks.h"

namespace {

using audiogan::AutocastScope;
using audiogan::ModelSpec;

// Arguments shared by every benchmark: arch (0 seed, 1 default), amp (0 fp32, 1 bf16), width
// (0 = arch default), batch, frames, channels_last (default arch only).
struct Case {
  ModelSpec spec;
  int batch;
  bool bf16;
};

Case make_case(const benchmark::State& state) {
  Case c;
  c.spec.arch = state.range(0) == 0 ? "seed" : "default";
  c.bf16 = state.range(1) != 0;
  c.spec.width = static_cast<int>(state.range(2));
  c.batch = static_cast<int>(state.range(3));
  c.spec.frames = static_cast<int>(state.range(4));
  c.spec.channels_last = state.range(5) != 0;
  c.spec.num_classes = 10;
  c.spec.n_mels = 128;
  return c;
}

void report(benchmark::State& state, const Case& c, double flops_per_iteration) {
  state.counters["samples/s"] = benchmark::Counter(
      static_cast<double>(c.batch) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["GFLOP/iter"] = flops_per_iteration / 1e9;
  state.counters["GFLOP/s"] = benchmark::Counter(flops_per_iteration * state.iterations() / 1e9,
                                                 benchmark::Counter::kIsRate);
  state.SetLabel(c.spec.arch + (c.bf16 ? " bf16" : " fp32") +
                 (c.spec.arch == "default" && c.spec.channels_last ? " NHWC" : ""));
}

// One GAN training step as the trainer runs it (pytorch/examples dcgan shape, BCE loss): D on a
// real and a detached fake batch, D step, then G through D, G step.
void BM_TrainingStep(benchmark::State& state) {
  const Case c = make_case(state);
  torch::manual_seed(0);
  auto g = audiogan::make_generator(c.spec);
  auto d = audiogan::make_discriminator(c.spec);
  torch::optim::Adam opt_g(g->parameters(), torch::optim::AdamOptions(2e-4).betas({0.5, 0.999}));
  torch::optim::Adam opt_d(d->parameters(), torch::optim::AdamOptions(2e-4).betas({0.5, 0.999}));
  const auto real = torch::rand({c.batch, 1, c.spec.n_mels, c.spec.frames}) * 2 - 1;
  const auto labels = torch::randint(c.spec.num_classes, {c.batch}, torch::kLong);
  const auto bce = [](const torch::Tensor& logits, float target) {
    return torch::binary_cross_entropy_with_logits(logits, torch::full_like(logits, target));
  };
  for (auto _ : state) {
    AutocastScope autocast(c10::DeviceType::CPU, c.bf16, at::kBFloat16);
    const auto z = torch::randn({c.batch, c.spec.latent});
    const auto fake = g->forward(z, labels);
    opt_d.zero_grad();
    const auto d_loss =
        bce(d->forward(real, labels), 1.f) + bce(d->forward(fake.detach(), labels), 0.f);
    d_loss.backward();
    opt_d.step();
    opt_g.zero_grad();
    const auto g_loss = bce(d->forward(fake, labels), 1.f);
    g_loss.backward();
    opt_g.step();
    benchmark::DoNotOptimize(g_loss.item<float>());
  }
  report(state, c, audiogan::count_flops(c.spec, c.batch).training_step());
}

// Forward + backward of G alone (gradient of the output's mean).
void BM_GeneratorForwardBackward(benchmark::State& state) {
  const Case c = make_case(state);
  auto g = audiogan::make_generator(c.spec);
  const auto labels = torch::randint(c.spec.num_classes, {c.batch}, torch::kLong);
  for (auto _ : state) {
    AutocastScope autocast(c10::DeviceType::CPU, c.bf16, at::kBFloat16);
    g->zero_grad();
    g->forward(torch::randn({c.batch, c.spec.latent}), labels).to(torch::kFloat).mean().backward();
  }
  report(state, c, 3 * audiogan::count_flops(c.spec, c.batch).generator_forward);
}

// Forward + backward of D alone, including the gradient for its input (as in G's step).
void BM_DiscriminatorForwardBackward(benchmark::State& state) {
  const Case c = make_case(state);
  auto d = audiogan::make_discriminator(c.spec);
  const auto labels = torch::randint(c.spec.num_classes, {c.batch}, torch::kLong);
  const auto x = (torch::rand({c.batch, 1, c.spec.n_mels, c.spec.frames}) * 2 - 1).requires_grad_();
  for (auto _ : state) {
    AutocastScope autocast(c10::DeviceType::CPU, c.bf16, at::kBFloat16);
    d->zero_grad();
    d->forward(x, labels).mean().backward();
  }
  report(state, c, 3 * audiogan::count_flops(c.spec, c.batch).discriminator_forward);
}

// The reference peak: a 4096^3 matmul in bf16 (oneDNN, AMX on Sapphire Rapids) and fp32.
void BM_MatmulPeak(benchmark::State& state) {
  const auto dtype = state.range(0) ? torch::kBFloat16 : torch::kFloat;
  const int64_t n = 4096;
  const auto a = torch::randn({n, n}).to(dtype), b = torch::randn({n, n}).to(dtype);
  for (auto _ : state) benchmark::DoNotOptimize(torch::mm(a, b).data_ptr());
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * n * n * n * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(state.range(0) ? "bf16" : "fp32");
}

// {arch, amp, width, batch, frames, channels_last}
void model_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"arch", "bf16", "width", "batch", "frames", "nhwc"});
  for (int arch : {0, 1})
    for (int bf16 : {0, 1}) b->Args({arch, bf16, 0, 32, 512, 1});
  for (int bf16 : {0, 1}) b->Args({1, bf16, 0, 32, 512, 0});  // default arch in NCHW, to compare
  b->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();
}

BENCHMARK(BM_MatmulPeak)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GeneratorForwardBackward)->Apply(model_args);
BENCHMARK(BM_DiscriminatorForwardBackward)->Apply(model_args);
BENCHMARK(BM_TrainingStep)->Apply(model_args);

}  // namespace

int main(int argc, char** argv) {
  return audiogan::bench::run_benchmarks(argc, argv);
}
