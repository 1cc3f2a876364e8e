#include "squashfs.hpp"

#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <set>

#include "archive.hpp"
#include "portcheck/strings.hpp"

namespace portcheck::inputs {
namespace {

// The image as libsquashfs reads it: the bytes of a container from `offset` on (an AppImage's
// image follows its runtime). libsquashfs only reads through it.
struct ImageFile {
  sqfs_file_t base;  // first: libsquashfs is handed &base
  ByteSource source;
  uint64_t offset = 0;
  uint64_t size = 0;  // of the image, from `offset`
};

int read_at(sqfs_file_t* file, sqfs_u64 at, void* buffer, size_t size) {
  const auto* image = reinterpret_cast<const ImageFile*>(file);
  if (at > image->size || size > image->size - at) return SQFS_ERROR_OUT_OF_BOUNDS;
  return image->source.read(image->offset + at, buffer, size) ? 0 : SQFS_ERROR_IO;
}

int refuse_write(sqfs_file_t*, sqfs_u64, const void*, size_t) { return SQFS_ERROR_UNSUPPORTED; }
int refuse_truncate(sqfs_file_t*, sqfs_u64) { return SQFS_ERROR_UNSUPPORTED; }
sqfs_u64 image_size(const sqfs_file_t* file) {
  return reinterpret_cast<const ImageFile*>(file)->size;
}
void owned_by_caller(sqfs_object_t*) {}

ImageFile make_image(const ByteSource& source, uint64_t offset) {
  ImageFile image{};
  image.base.base.destroy = owned_by_caller;
  image.base.base.copy = nullptr;
  image.base.read_at = read_at;
  image.base.write_at = refuse_write;
  image.base.get_size = image_size;
  image.base.truncate = refuse_truncate;
  image.source = source;
  image.offset = offset;
  image.size = source.size - offset;
  return image;
}

struct Destroy {
  void operator()(void* object) const { sqfs_destroy(object); }
};
struct Free {
  void operator()(void* memory) const { sqfs_free(memory); }
};
using CompressorPtr = std::unique_ptr<sqfs_compressor_t, Destroy>;
using DirReaderPtr = std::unique_ptr<sqfs_dir_reader_t, Destroy>;
using DataReaderPtr = std::unique_ptr<sqfs_data_reader_t, Destroy>;
using InodePtr = std::unique_ptr<sqfs_inode_generic_t, Free>;
using EntryPtr = std::unique_ptr<sqfs_dir_entry_t, Free>;

const char* error_name(int code) {
  switch (code) {
    case SQFS_ERROR_ALLOC: return "memory ran out";
    case SQFS_ERROR_IO: return "read error";
    case SQFS_ERROR_COMPRESSOR: return "data that does not decompress";
    case SQFS_ERROR_CORRUPTED: return "corrupted structures";
    case SQFS_ERROR_UNSUPPORTED: return "an unsupported feature";
    case SQFS_ERROR_OVERFLOW: return "sizes that overflow";
    case SQFS_ERROR_OUT_OF_BOUNDS: return "an offset past the end of the image";
    // sic: libsquashfs 1.2 spells these two so.
    case SFQS_ERROR_SUPER_MAGIC: return "no SquashFS magic";
    case SFQS_ERROR_SUPER_VERSION: return "a SquashFS version other than 4.0";
    case SQFS_ERROR_SUPER_BLOCK_SIZE: return "an invalid block size";
    case SQFS_ERROR_NOT_DIR: return "a directory that is not one";
    default: return "an error";
  }
}

// The longest name a SquashFS directory entry holds.
constexpr size_t kMaxName = 256;

// The basic type of an inode (an extended one is its basic type plus 7), as directory entries
// give it.
int basic_type(const sqfs_inode_generic_t& inode) {
  return inode.base.type > SQFS_INODE_SOCKET ? inode.base.type - 7 : inode.base.type;
}

// How many names a file inode may have: a basic inode has one, an extended one says.
uint32_t link_count(const sqfs_inode_generic_t& inode) {
  return inode.base.type == SQFS_INODE_EXT_FILE ? inode.data.file_ext.nlink : 1;
}

bool is_directory(const sqfs_inode_generic_t& inode) {
  return inode.base.type == SQFS_INODE_DIR || inode.base.type == SQFS_INODE_EXT_DIR;
}
bool is_regular(const sqfs_inode_generic_t& inode) {
  return inode.base.type == SQFS_INODE_FILE || inode.base.type == SQFS_INODE_EXT_FILE;
}
bool is_symlink(const sqfs_inode_generic_t& inode) {
  return inode.base.type == SQFS_INODE_SLINK || inode.base.type == SQFS_INODE_EXT_SLINK;
}

// A name a directory entry may carry: one path component.
bool is_plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

struct Child {
  std::string name;
  InodePtr inode;
};

// Walks one opened image: directories in the image's own (sorted) order, every directory once.
class ImageReader {
 public:
  ImageReader(ImageFile& image, std::string display, int depth, const ArchiveContext& context)
      : image_(image), display_(std::move(display)), depth_(depth), context_(context) {}

  void read() {
    if (!open()) return;
    InodePtr root;
    sqfs_inode_generic_t* raw = nullptr;
    int status = sqfs_dir_reader_get_root_inode(dirs_.get(), &raw);
    root.reset(raw);
    if (status != 0) return corrupt("its root directory cannot be read", status);
    directory(*root, "");
  }

 private:
  ImageFile& image_;
  std::string display_;
  int depth_;
  const ArchiveContext& context_;
  sqfs_super_t super_{};
  CompressorPtr compressor_;
  DirReaderPtr dirs_;
  DataReaderPtr data_;
  std::set<uint32_t> directories_seen_;
  struct Names {
    std::string first;
    uint32_t count = 0;
  };
  std::map<uint32_t, Names> files_seen_;  // inode number -> its first name and how many: links
  bool failed_ = false;

  // An AppImage's runtime is an entry of the same name: the error says it is about the image.
  std::string image_name() const {
    if (image_.offset == 0) return "SquashFS image";
    return "SquashFS image after the AppImage runtime (at byte " + std::to_string(image_.offset) +
           ")";
  }

  void corrupt(const std::string& what, int status) {
    failed_ = true;
    member_error(display_, ErrorKind::malformed,
                 "corrupt " + image_name() + ": " + what + " (" + error_name(status) + ")",
                 context_);
  }

  bool open() {
    int status = sqfs_super_read(&super_, &image_.base);
    if (status != 0) {
      corrupt("its superblock cannot be read", status);
      return false;
    }
    if (super_.bytes_used > image_.size) {
      corrupt("it is cut short: its superblock gives " + std::to_string(super_.bytes_used) +
                  " bytes, " + std::to_string(image_.size) + " are there",
              SQFS_ERROR_OUT_OF_BOUNDS);
      return false;
    }
    if (super_.compression_id == SQFS_COMP_LZO) {
      member_error(display_, ErrorKind::unsupported,
                   "the " + image_name() +
                       " is compressed with LZO, which portcheck does not read (gzip, xz, lzma, "
                       "lz4 and zstd it does)",
                   context_);
      return false;
    }
    sqfs_compressor_config_t config{};
    status =
        sqfs_compressor_config_init(&config, static_cast<SQFS_COMPRESSOR>(super_.compression_id),
                                    super_.block_size, SQFS_COMP_FLAG_UNCOMPRESS);
    sqfs_compressor_t* compressor = nullptr;
    if (status == 0) status = sqfs_compressor_create(&config, &compressor);
    compressor_.reset(compressor);
    if (status != 0) {
      corrupt("its compressor cannot be set up", status);
      return false;
    }
    if ((super_.flags & SQFS_FLAG_COMPRESSOR_OPTIONS) != 0) {
      status = compressor_->read_options(compressor_.get(), &image_.base);
      if (status != 0) {
        corrupt("its compressor options cannot be read", status);
        return false;
      }
    }
    dirs_.reset(sqfs_dir_reader_create(&super_, compressor_.get(), &image_.base, 0));
    data_.reset(sqfs_data_reader_create(&image_.base, super_.block_size, compressor_.get(), 0));
    if (!dirs_ || !data_) throw std::bad_alloc();
    status = sqfs_data_reader_load_fragment_table(data_.get(), &super_);
    if (status != 0) corrupt("its fragment table cannot be read", status);
    return status == 0;
  }

  std::string member_path(const std::string& name) const { return display_ + "!/" + name; }

  // The entries of one directory, read whole before any is visited: the reader has one cursor.
  // Their inodes are counted against the member limit (a file's holds its block list, a
  // symlink's its target), and each entry is checked against what the format promises.
  std::vector<Child> children(const sqfs_inode_generic_t& inode, const std::string& prefix) {
    std::vector<Child> found;
    size_t held = 0;
    int status = sqfs_dir_reader_open_dir(dirs_.get(), &inode, 0);
    for (;;) {
      if (status != 0) {
        corrupt("the directory /" + prefix + " cannot be read", status);
        return {};
      }
      sqfs_dir_entry_t* raw_entry = nullptr;
      status = sqfs_dir_reader_read(dirs_.get(), &raw_entry);
      if (status > 0) return found;  // the end of the listing
      if (status < 0) continue;
      EntryPtr entry(raw_entry);
      std::string name(reinterpret_cast<const char*>(entry->name), size_t{entry->size} + 1);
      sqfs_inode_generic_t* raw_inode = nullptr;
      status = sqfs_dir_reader_get_inode(dirs_.get(), &raw_inode);
      InodePtr child(raw_inode);
      if (status != 0) continue;
      held += sizeof(sqfs_inode_generic_t) + child->payload_bytes_available;
      std::string problem = entry_problem(name, entry->type, *child, prefix, found, held);
      if (!problem.empty()) {
        corrupt(problem, SQFS_ERROR_CORRUPTED);
        return {};
      }
      found.push_back(Child{std::move(name), std::move(child)});
    }
  }

  // What is wrong with a directory entry, or nothing. The directory's entries are sorted by name
  // in every image mksquashfs writes, which the kernel's lookups rely on.
  std::string entry_problem(const std::string& name, uint16_t type,
                            const sqfs_inode_generic_t& inode, const std::string& prefix,
                            const std::vector<Child>& before, size_t held) const {
    std::string where = "an entry of /" + prefix;
    if (!is_plain_name(name) || name.size() > kMaxName)
      return where + " whose name is not a file name";
    if (!before.empty() && name <= before.back().name)
      return where + " out of order or named twice";
    if (type != basic_type(inode)) return where + " whose type is not its inode's";
    if (prefix.size() + name.size() > kMaxPath)
      return where + " whose path is longer than 4096 bytes";
    if (held > member_limit(context_)) {
      return "the directory /" + prefix + " lists more than a third of the memory budget of inodes";
    }
    return "";
  }

  void directory(const sqfs_inode_generic_t& inode, const std::string& prefix) {
    // A directory listed twice would be walked twice, or without end when it holds itself.
    if (!directories_seen_.insert(inode.base.inode_number).second) {
      return corrupt("the directory /" + prefix + " is listed more than once",
                     SQFS_ERROR_CORRUPTED);
    }
    for (auto& child : children(inode, prefix)) {
      if (failed_) return;
      std::string name = prefix + child.name;
      if (excluded(context_.options, member_path(name))) {
        ++context_.stats.excluded;
        continue;
      }
      if (is_directory(*child.inode)) {
        directory(*child.inode, name + "/");
      } else if (is_symlink(*child.inode)) {
        symlink(*child.inode, name);
      } else if (is_regular(*child.inode)) {
        file(*child.inode, name);
      } else {
        ++context_.stats.skipped;  // devices, FIFOs, sockets
      }
    }
  }

  void symlink(const sqfs_inode_generic_t& inode, const std::string& name) {
    uint32_t size = inode.data.slink.target_size;
    if (size > kMaxPath) {
      return corrupt("the symlink /" + name + " has a target longer than 4096 bytes",
                     SQFS_ERROR_CORRUPTED);
    }
    std::string target(reinterpret_cast<const char*>(inode.extra), size);
    if (target.empty()) return;
    record_alias(PathAlias{member_path(name), member_path(link_target(name, target))}, display_,
                 context_);
  }

  // Reads a file's bytes while they say ELF or archive and stay within the member limit.
  Member read_data(const sqfs_inode_generic_t& inode, std::vector<uint8_t>& bytes) {
    sqfs_u64 size = 0;
    if (sqfs_inode_get_file_size(&inode, &size) != 0) return Member::failed;
    std::vector<uint8_t> buffer(65536);  // on the heap: directories nest deep
    for (uint64_t at = 0; at < size;) {
      auto wanted = static_cast<sqfs_u32>(std::min<uint64_t>(buffer.size(), size - at));
      if (bytes.size() < 512) wanted = std::min<sqfs_u32>(wanted, 512);
      sqfs_s32 got = sqfs_data_reader_read(data_.get(), &inode, at, buffer.data(), wanted);
      if (got <= 0) return Member::failed;
      if (bytes.size() + static_cast<size_t>(got) > member_limit(context_)) {
        return Member::too_large;
      }
      try {
        bytes.insert(bytes.end(), buffer.begin(), buffer.begin() + got);
      } catch (const std::bad_alloc&) {
        return Member::out_of_memory;
      }
      at += static_cast<uint64_t>(got);
      if (bytes.size() >= 512 && !is_analysable(bytes)) return Member::skipped;
    }
    return is_analysable(bytes) ? Member::read : Member::skipped;
  }

  void file(const sqfs_inode_generic_t& inode, const std::string& name) {
    Names& names = files_seen_[inode.base.inode_number];
    if (++names.count > link_count(inode)) {
      return corrupt("the file /" + name + " is reached under more names than its inode has",
                     SQFS_ERROR_CORRUPTED);
    }
    if (names.count > 1) {
      record_alias(PathAlias{member_path(name), member_path(names.first)}, display_, context_);
      return;
    }
    names.first = name;
    std::vector<uint8_t> bytes;
    Member member = read_data(inode, bytes);
    std::string path = member_path(name);
    if (member == Member::failed) {
      member_error(path, ErrorKind::malformed,
                   "corrupt SquashFS image: the data of this file cannot be read", context_);
    } else if (member == Member::too_large || member == Member::out_of_memory) {
      member_over_budget(member, path, context_);
    } else if (member == Member::skipped) {
      ++context_.stats.skipped;
    } else {
      hand_on(std::move(bytes), path, display_ + "!/", depth_, iso_date(inode.base.mod_time),
              context_);
    }
  }
};

uint64_t field(const std::vector<uint8_t>& bytes, size_t at, size_t width, bool little) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i) {
    uint64_t byte = bytes[at + (little ? i : width - 1 - i)];
    value |= byte << (8 * i);
  }
  return value;
}

// The smallest runtime an image can follow: an ELF header.
constexpr uint64_t kMinRuntime = 52;

std::string appimage_cut(uint64_t image_offset, uint64_t size) {
  return "an AppImage (type 2) whose runtime's section headers end at byte " +
         std::to_string(image_offset) + ", inside its ELF header or past the end of the file (" +
         std::to_string(size) +
         " bytes) or of what the memory budget lets a member hold: "
         "no image follows";
}

// The runtime, the ELF file before the image, as an entry of the AppImage's own name (only its
// bytes are analysed as ELF), then the image's files while `depth` stays within kMaxDepth.
void read_appimage(const ByteSource& source, uint64_t image_offset, const std::string& display,
                   int depth, const std::string& modified, const ArchiveContext& context) {
  if (image_offset < kMinRuntime || image_offset > source.size ||
      image_offset > member_limit(context)) {
    return member_error(display, ErrorKind::malformed, appimage_cut(image_offset, source.size),
                        context);
  }
  std::vector<uint8_t> runtime(static_cast<size_t>(image_offset));
  if (!source.read(0, runtime.data(), runtime.size())) {
    return member_error(display, ErrorKind::unreadable, "the AppImage runtime cannot be read",
                        context);
  }
  context.sink(
      InputItem{display, context.release, "", std::move(runtime), std::nullopt, modified, ""});
  if (depth > kMaxDepth) {
    ++context.stats.skipped;  // the image, as deep as an archive that is not opened
    return;
  }
  ImageFile image = make_image(source, image_offset);
  ImageReader(image, display, depth, context).read();
}

}  // namespace

bool has_squashfs_magic(const std::vector<uint8_t>& first) {
  return first.size() >= 4 && std::memcmp(first.data(), "hsqs", 4) == 0;
}

std::optional<uint64_t> appimage_image_offset(const std::vector<uint8_t>& first) {
  if (first.size() < 64 || !has_elf_magic(first)) return std::nullopt;
  if (std::memcmp(first.data() + 8, "AI\x02", 3) != 0) return std::nullopt;
  bool is64 = first[4] == 2;
  bool little = first[5] != 2;
  uint64_t table = field(first, is64 ? 0x28 : 0x20, is64 ? 8 : 4, little);
  uint64_t entry_size = field(first, is64 ? 0x3a : 0x2e, 2, little);
  uint64_t entries = field(first, is64 ? 0x3c : 0x30, 2, little);
  return table + entry_size * entries;  // at most 2^64 - 1 + 2^32: checked against the size
}

void read_squashfs_file(const std::string& path, const std::string& display,
                        const ArchiveContext& context) {
  FileSource file(path);
  if (file.error()) {
    return member_error(display, ErrorKind::unreadable, std::strerror(file.error()), context);
  }
  ImageFile image = make_image(file.bytes(), 0);
  ImageReader(image, display, 1, context).read();
}

void read_squashfs_bytes(const std::vector<uint8_t>& bytes, const std::string& display, int depth,
                         const ArchiveContext& context) {
  ImageFile image = make_image(ByteSource{-1, bytes.data(), bytes.size()}, 0);
  ImageReader(image, display, depth, context).read();
}

void read_appimage_bytes(const std::vector<uint8_t>& bytes, uint64_t image_offset,
                         const std::string& display, int depth, const std::string& modified,
                         const ArchiveContext& context) {
  read_appimage(ByteSource{-1, bytes.data(), bytes.size()}, image_offset, display, depth, modified,
                context);
}

void read_appimage_file(const std::string& path, uint64_t image_offset, const std::string& modified,
                        const ArchiveContext& context) {
  FileSource file(path);
  if (file.error()) {
    return member_error(path, ErrorKind::unreadable, std::strerror(file.error()), context);
  }
  read_appimage(file.bytes(), image_offset, path, 1, modified, context);
}

}  // namespace portcheck::inputs
