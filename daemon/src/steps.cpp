// The cycle's stages, in order. Each component registers its stage here with one line.
#include "apply.hpp"
#include "learn.hpp"
#include "step.hpp"
#include "verify.hpp"

namespace autopilot
{

std::vector<std::unique_ptr<CycleStep>> make_cycle_steps()
{
    std::vector<std::unique_ptr<CycleStep>> steps;
    steps.push_back(std::make_unique<NoopStep>("collect"));  // advisor: collect.hpp
    steps.push_back(std::make_unique<LearnStep>());            // predictor: learn.hpp
    steps.push_back(std::make_unique<NoopStep>("advise"));   // advisor: advise.hpp
    steps.push_back(std::make_unique<ApplyStep>());
    steps.push_back(std::make_unique<VerifyStep>());
    return steps;
}

}  // namespace autopilot
