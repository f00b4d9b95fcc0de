// Precompiled header: the LibTorch API is large and every translation unit needs it.
#pragma once
#include <torch/torch.h>
