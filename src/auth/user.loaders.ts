import { byIdLoader } from "../shared/loaders";
import { User } from "./user.entity";

export const userById = byIdLoader(User);
