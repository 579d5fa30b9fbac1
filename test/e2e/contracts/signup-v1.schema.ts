/** Version 1 of a contract: a loose signup payload. */
import Type from "typebox";
import { defineJobs } from "typed-jobs";

export default defineJobs({
  signup: { payload: Type.Object({ email: Type.String(), plan: Type.String() }) },
});
