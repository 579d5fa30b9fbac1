import Type from "typebox";
import { defineJobs } from "typed-jobs";

export default defineJobs({
  ping: { payload: Type.Object({ at: Type.Number() }) },
});
