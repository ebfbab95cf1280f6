// GroupWriter: writes that arrive while a group is being written share the
// next one (one directory fsync for all), a file written twice waits for the
// group after, and a failed write fails alone.
#include "s1c/state/group_writer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "fake_clock.h"
#include "faulty_file_system.h"
#include "temp_dir.h"

namespace s1c::state {
namespace {

namespace fs = std::filesystem;

// Holds the writer in its first group (at MakePrivateDirs) until released.
class Gate {
 public:
  void Hold() {
    std::unique_lock<std::mutex> lock(mu_);
    ++arrived_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  void WaitArrived() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return arrived_ > 0; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;
  bool open_ = false;
};

class GroupWriterTest : public ::testing::Test {
 protected:
  static std::string Read(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  s1c::testing::TempDir temp_{"s1c-group-writer-test"};
  const fs::path dir_ = temp_.path();
  s1c::testing::FaultyFileSystem fs_;
  s1c::testing::FakeClock clock_;
};

TEST_F(GroupWriterTest, WritesThatArriveDuringAGroupShareTheNext) {
  Gate gate;
  fs_.on_make_dirs = [&] { gate.Hold(); };
  GroupWriter writer(fs_, clock_, "state directory", std::chrono::milliseconds(0));
  std::vector<std::thread> threads;
  std::vector<Status> status(9);
  threads.emplace_back([&] { status[0] = writer.Write(dir_ / "c" / "first.json", "0"); });
  gate.WaitArrived();  // The first group is being written, with one write.
  for (int i = 1; i < 9; ++i) {
    threads.emplace_back(
        [&, i] { status[i] = writer.Write(dir_ / "c" / (std::to_string(i) + ".json"), "x"); });
  }
  while (writer.waiting() < 8) std::this_thread::yield();
  gate.Open();
  for (std::thread& t : threads) t.join();
  for (const Status& st : status) EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(Read(dir_ / "c" / "first.json"), "0");
  EXPECT_EQ(Read(dir_ / "c" / "8.json"), "x");
  // Two groups, each in one directory: one fsync of it each, not nine.
  EXPECT_EQ(fs_.dir_syncs, 2);
}

TEST_F(GroupWriterTest, AFileWrittenTwiceWaitsForTheGroupAfterAndEndsWithTheLaterContent) {
  Gate gate;
  fs_.on_make_dirs = [&] { gate.Hold(); };
  GroupWriter writer(fs_, clock_, "state directory", std::chrono::milliseconds(0));
  const fs::path path = dir_ / "c" / "activities.json";
  std::thread first([&] { EXPECT_TRUE(writer.Write(dir_ / "c" / "other.json", "o").ok()); });
  gate.WaitArrived();
  std::thread older([&] { EXPECT_TRUE(writer.Write(path, "older").ok()); });
  while (writer.waiting() < 1) std::this_thread::yield();
  std::thread newer([&] { EXPECT_TRUE(writer.Write(path, "newer").ok()); });
  while (writer.waiting() < 2) std::this_thread::yield();
  gate.Open();
  first.join();
  older.join();
  newer.join();
  EXPECT_EQ(Read(path), "newer");
  EXPECT_EQ(fs_.dir_syncs, 3);  // The two writes of one file were not in one group.
}

TEST_F(GroupWriterTest, AWriteThatFailsFailsAloneAndNamesWhatFailed) {
  GroupWriter writer(fs_, clock_, "state directory", std::chrono::milliseconds(0));
  std::ofstream(dir_ / "plain") << "in the way";
  const Status blocked = writer.Write(dir_ / "plain" / "activities.json", "x");
  EXPECT_EQ(blocked.code(), StatusCode::kIo);
  EXPECT_NE(blocked.message().find("cannot create state directory " + (dir_ / "plain").string()),
            std::string::npos)
      << blocked.message();
  fs_.fail_renames = 1;
  const Status renamed = writer.Write(dir_ / "c" / "activities.json", "x");
  EXPECT_NE(renamed.message().find("cannot rename"), std::string::npos) << renamed.message();
  EXPECT_FALSE(fs::exists(dir_ / "c" / "activities.json.tmp"));
  EXPECT_TRUE(writer.Write(dir_ / "c" / "activities.json", "y").ok());
  EXPECT_EQ(Read(dir_ / "c" / "activities.json"), "y");
}

TEST_F(GroupWriterTest, AWriteSoonAfterAnotherWaitsTheWindowForCompanyALoneOneDoesNot) {
  const auto window = std::chrono::milliseconds(50);
  GroupWriter writer(fs_, clock_, "state directory", window);
  // Nothing came before: written at once (the fake time never moves here).
  ASSERT_TRUE(writer.Write(dir_ / "c" / "0.json", "x").ok());
  EXPECT_EQ(fs_.dir_syncs, 1);

  // The next comes 1 ms later: its group waits the window, and the writes
  // arriving meanwhile join it.
  clock_.Advance(std::chrono::milliseconds(1));
  std::vector<std::thread> threads;
  threads.emplace_back([&] { EXPECT_TRUE(writer.Write(dir_ / "c" / "1.json", "x").ok()); });
  ASSERT_TRUE(clock_.AwaitWaiter(clock_.MonotonicNow() + window));
  for (int i = 2; i < 5; ++i) {
    threads.emplace_back([&, i] {
      EXPECT_TRUE(writer.Write(dir_ / "c" / (std::to_string(i) + ".json"), "x").ok());
    });
  }
  while (writer.waiting() < 4) std::this_thread::yield();
  EXPECT_EQ(fs_.dir_syncs, 1);  // Still gathering.
  clock_.Advance(window);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(fs_.dir_syncs, 2);  // Four writes, one group.

  // A write a second after the last one: nobody else is about; written at once.
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_TRUE(writer.Write(dir_ / "c" / "5.json", "x").ok());
  EXPECT_EQ(fs_.dir_syncs, 3);
}

}  // namespace
}  // namespace s1c::state
