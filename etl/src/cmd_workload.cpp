// autopilot-etl workload: stub until its issue lands (replace this file; keep the signature).
#include "commands.hpp"

namespace autopilot::etl {

int cmd_workload(const CommandArgs &)
{
    not_implemented();
}

}  // namespace autopilot::etl
