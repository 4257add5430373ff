/* Required sections: profiles in dict/profiles/NAME.txt say which lists a
 * kind of report must contain (an annual report: achievements, problems,
 * plans; a 工作要点: plans) and which documents they apply to.  A user adds a
 * profile by adding a file; no rebuild. */
#ifndef HB_REQUIRED_H
#define HB_REQUIRED_H

#include "lists.h"

/* The stage (extract.h): hb_required_load reads every
 * dict/profiles/NAME.txt into the engine (an empty set when the folder is
 * missing); hb_required_run, after lists, chooses the profile
 * (d->opts.profile, else by document type and title) and fills the lists
 * result's profile, missing and inline_only; hb_required_json writes
 * "required": {"profile": …, "missing": […], "inline_only": […]}. */

/* HB_OK when `name` is a loaded profile, else HB_ERR_ARG with *err filled. */
hb_status hb_profile_check(const struct hb_engine *e, const char *name, hb_error *err);

#endif
