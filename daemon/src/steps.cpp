// The cycle's stages, in order. Each component registers its stage here with one line.
#include "advise_step.hpp"
#include "apply.hpp"
#include "learn.hpp"
#include "step.hpp"
#include "verify.hpp"

namespace autopilot
{

std::vector<std::unique_ptr<CycleStep>> make_cycle_steps()
{
    std::vector<std::unique_ptr<CycleStep>> steps;
    steps.push_back(std::make_unique<CollectStep>());  // advisor: advise_step.hpp
    steps.push_back(std::make_unique<LearnStep>());    // predictor: learn.hpp
    steps.push_back(std::make_unique<AdviseStep>());   // advisor: advise_step.hpp
    steps.push_back(std::make_unique<ApplyStep>());
    steps.push_back(std::make_unique<VerifyStep>());
    return steps;
}

}  // namespace autopilot
